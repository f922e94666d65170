-- For each branch and month of a financial year: whether it was due to report, and what it reported.
-- Params: $fy, $borough (or null for both boroughs).
with months as (
    select cast(unnest(generate_series(fy_first_month($fy), fy_first_month($fy) + interval 11 month,
                                       interval 1 month)) as date) as month
),
due as (
    select distinct p.branch, m.month
    from months m
    join branch_period p
      on m.month between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
    join branch b on b.branch = p.branch
    where (p.weekly_hours > 0 or p.weekly_hours is null)
      and (b.reports_until is null or m.month <= b.reports_until)
),
reported as (
    select branch, month, count(*) as figures, sum(value) as total
    from monthly_figure
    where month between fy_first_month($fy) and fy_first_month($fy) + interval 11 month
    group by branch, month
)
select
    b.branch,
    b.borough,
    m.month,
    d.branch is not null as due,
    coalesce(r.figures, 0) as figures,
    r.total
from branch b
cross join months m
left join due d on d.branch = b.branch and d.month = m.month
left join reported r on r.branch = b.branch and r.month = m.month
where ($borough is null or b.borough = $borough)
order by b.borough, b.branch, m.month
