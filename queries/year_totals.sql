-- Totals of some metrics for some financial years in a scope: one row per year and metric, with
-- the provenances summed over (e.g. 'modelled,published'). Monthly metrics count only the given
-- calendar months (so a part year is compared with the same months of the year before). A whole
-- year's borough total of split figures is the published total (grain_provenance); the service's is
-- the union of the two boroughs'.
-- Params: $fys (list of years), $metrics (list of metric codes), $borough (or null), $months (list of 1-12).
with per_borough as (
    select
        borough,
        fy,
        metric,
        sum(value) as value,
        provenance_union(provenance) as provenance,
        count(distinct month) as months
    from figures
    where list_contains($fys, fy)
      and list_contains($metrics, metric)
      and ($borough is null or borough = $borough)
      and (branch is null or len($months) = 12 or list_contains($months, month(month)))  -- all 12: no test per row
    group by borough, fy, metric
)
select
    fy,
    metric,
    sum(value) as value,
    provenance_merge(list(grain_provenance(provenance, borough, null, fy, metric, len($months) = 12 and months = 12))) as provenance
from per_borough
group by fy, metric
order by fy, metric
