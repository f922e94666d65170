-- Financial years that have monthly figures in a scope, with the number of months reported.
-- Params: $borough (a borough name, or null for the whole service).
select
    fy,
    count(distinct month) as months
from figures
where branch is not null
  and ($borough is null or borough = $borough)
group by fy
order by fy
