-- Each borough's yearly totals of some monthly metrics, with months reported and provenance (a whole
-- year of split figures is the published total: grain_provenance).
-- Params: $metrics (list of metric codes).
select
    borough,
    fy,
    metric,
    sum(value) as value,
    grain_provenance(provenance_union(provenance), borough, null, fy, metric, count(distinct month) = 12) as provenance,
    count(distinct month) as months
from figures
where branch is not null
  and list_contains($metrics, metric)
group by borough, fy, metric
order by borough, fy, metric
