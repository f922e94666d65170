-- Hours each branch was open in some months of some financial years: weekly hours × weeks, month by
-- month (a part year divides by the hours of the same months), with the hours' provenance.
-- Params: $fys (list of years), $borough (or null for both boroughs), $months (list of 1-12).
with years as (
    select unnest($fys) as fy
),
months as (
    select
        fy,
        cast(unnest(generate_series(fy_first_month(fy), fy_first_month(fy) + interval 11 month,
                                    interval 1 month)) as date) as month
    from years
)
select
    p.branch,
    m.fy,
    sum(p.weekly_hours * (last_day(m.month) - m.month + 1) / 7.0) as opening_hours,
    provenance_union(p.provenance) as provenance
from months m
join branch_period p
  on m.month between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
join branch b on b.branch = p.branch
where p.weekly_hours > 0
  and ($borough is null or b.borough = $borough)
  and list_contains($months, month(m.month))
group by p.branch, m.fy
order by p.branch, m.fy
