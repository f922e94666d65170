-- The months of one financial year that have monthly figures in a scope.
-- Params: $fy, $borough (or null for the whole service).
select distinct
    month,
    month(month) as month_number
from figures
where fy = $fy
  and branch is not null
  and ($borough is null or borough = $borough)
order by month
