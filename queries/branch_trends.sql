-- Every branch's yearly totals of some metrics across all years, with months reported.
-- Params: $metrics (list of metric codes), $borough (or null for both boroughs).
select
    branch,
    borough,
    fy,
    metric,
    sum(value) as value,
    grain_provenance(provenance_union(provenance), borough, branch, fy, metric, count(*) = 12) as provenance,
    count(*) as months                -- one row per month: (branch, month, metric) is a key
from figures
where branch is not null
  and list_contains($metrics, metric)
  and ($borough is null or borough = $borough)
group by branch, borough, fy, metric
order by branch, fy, metric
