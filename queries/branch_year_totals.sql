-- Each branch's total of some metrics for some financial years, counting only the given calendar
-- months, with the number of months it has figures for. One row per branch, year and metric.
-- Params: $fys (list of years), $metrics (list of metric codes), $borough (or null), $months (list of 1-12).
select
    branch,
    borough,
    fy,
    metric,
    value,
    provenance,
    months
from branch_totals($fys, $metrics, $borough, $months)
order by branch, fy, metric
