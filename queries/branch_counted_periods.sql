-- A branch's imported counts over several whole months (a quarter) of one metric, as counted, for its month
-- chart to draw each as one bar over its months rather than a monthly line (issue 18). Only periods inside
-- one financial year; one that straddles two stays a modelled spread on the line. One row per period.
-- Params: $branch, $metric, $fys (list of years).
select
    fy_of(period_start) as fy,
    period_start,
    period_end,
    datediff('month', period_start, period_end) + 1 as months,
    value,
    method
from entered_period
where branch = $branch
  and metric = $metric
  and grain = 'months'
  and fy_of(period_start) = fy_of(period_end)
  and list_contains($fys, fy_of(period_start))
order by period_start
