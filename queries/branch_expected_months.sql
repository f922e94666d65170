-- The months of one financial year in which a branch was open and due to report (from its periods).
-- Params: $branch, $fy.
with months as (
    select cast(unnest(generate_series(fy_first_month($fy), fy_first_month($fy) + interval 11 month,
                                       interval 1 month)) as date) as month
)
select distinct
    m.month
from months m
join branch_period p
  on p.branch = $branch
 and m.month between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
join branch b on b.branch = p.branch
where (p.weekly_hours > 0 or p.weekly_hours is null)
  and (b.reports_until is null or m.month <= b.reports_until)
order by m.month
