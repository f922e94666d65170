-- How a branch's entered months of a year were counted (a return's Count type): each month imported on its
-- own, or each month of an imported period with the period it was counted over. One row per month and metric.
-- Params: $branch, $fy.
select
    metric,
    month,
    method,
    period_start,
    period_end
from figure_method
where branch = $branch
  and fy_of(month) = $fy
order by metric, month
