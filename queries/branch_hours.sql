-- Weekly opening hours of every branch (or one) over time, one row per period: what the data-quality
-- register reads to tell a jump that a recorded change of hours explains from one nothing explains.
-- Params: $branch (a branch, or null for all).
select
    branch,
    valid_from,
    valid_to,
    weekly_hours,
    provenance
from branch_period
where ($branch is null or branch = $branch)
  and weekly_hours is not null
order by branch, valid_from
