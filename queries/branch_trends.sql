-- Every branch's yearly totals of some metrics across all years, with months reported.
-- Params: $metrics (list of metric codes), $borough (or null for both boroughs).
select
    branch,
    borough,
    fy,
    metric,
    sum(value) as value,
    string_agg(distinct provenance, ',' order by provenance) as provenance,
    count(distinct month) as months
from figures
where branch is not null
  and list_contains($metrics, metric)
  and ($borough is null or borough = $borough)
group by branch, borough, fy, metric
order by branch, fy, metric
