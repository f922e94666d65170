-- Each branch's total of some metrics for some financial years, counting only the given calendar
-- months, with the number of months it has figures for. One row per branch, year and metric.
-- Params: $fys (list of years), $metrics (list of metric codes), $borough (or null), $months (list of 1-12).
select
    branch,
    borough,
    fy,
    metric,
    sum(value) as value,
    -- a whole year of a service point whose figure is published (the busiest points) is published
    grain_provenance(provenance_union(provenance), borough, branch, fy, metric, len($months) = 12 and count(*) = 12)
        as provenance,
    count(*) as months                -- one row per month: (branch, month, metric) is a key
from figures
where branch is not null
  and list_contains($fys, fy)
  and list_contains($metrics, metric)
  and ($borough is null or borough = $borough)
  and (len($months) = 12 or list_contains($months, month(month)))   -- all 12: no test per row
group by branch, borough, fy, metric
order by branch, fy, metric
