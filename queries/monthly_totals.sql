-- One measure (the sum of the given metrics) month by month for some financial years in a scope.
-- Params: $fys (list of years), $metrics (list of metric codes added together), $borough (or null).
select
    fy,
    month,
    sum(value) as value,
    provenance_union(provenance) as provenance
from figures
where list_contains($fys, fy)
  and list_contains($metrics, metric)
  and branch is not null
  and ($borough is null or borough = $borough)
group by fy, month
order by month
