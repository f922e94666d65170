-- Financial years that have monthly figures in a scope, with the number of months reported and whether
-- a return publishes any figure of the year for the scope (a year without one is entirely modelled).
-- Params: $borough (a borough name, or null for the whole service).
with months as (                       -- the distinct months first: a few dozen rows to give a year
    select distinct f.month
    from monthly_figure f
    join branch b using (branch)
    where $borough is null or b.borough = $borough
),
published as (
    select distinct fy
    from published_figure
    where $borough is null or borough = $borough
)
select
    c.fy,
    count(*) as months,
    c.fy in (select fy from published) as published
from months
join fy_month c using (month)
group by c.fy
order by c.fy
