-- The periods imported as counted (quarters, samples) of some branches and metrics: what a file's periods and
-- months are checked against (a month is counted once).
-- Params: $branches (list of branch names), $metrics (list of metric codes).
select
    branch,
    metric,
    period_start,
    period_end,
    grain,
    value,
    method,
    import_id
from entered_period
where branch in (select unnest($branches))
  and metric in (select unnest($metrics))
order by branch, metric, period_start
