-- Financial years that have monthly figures in a scope, with the number of months reported.
-- Params: $borough (a borough name, or null for the whole service).
with months as (                       -- the distinct months first: a few dozen rows to give a year
    select distinct f.month
    from monthly_figure f
    join branch b using (branch)
    where $borough is null or b.borough = $borough
)
select
    c.fy,
    count(*) as months
from months
join fy_month c using (month)
group by c.fy
order by c.fy
