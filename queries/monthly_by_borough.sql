-- Each borough's monthly total of some metrics added together, every month in the warehouse.
-- Params: $metrics (list of metric codes).
select
    borough,
    month,
    sum(value) as value
from figures
where branch is not null
  and list_contains($metrics, metric)
group by borough, month
order by borough, month
