-- Each branch's monthly total of some metrics added together, every month in the warehouse, with the
-- provenances behind it ('modelled', 'modelled,published' …).
-- Params: $metrics (list of metric codes), $borough (or null for both boroughs).
select
    branch,
    borough,
    month,
    sum(value) as value,
    provenance_union(provenance) as provenance
from figures
where branch is not null
  and list_contains($metrics, metric)
  and ($borough is null or borough = $borough)
group by branch, borough, month
order by branch, month
