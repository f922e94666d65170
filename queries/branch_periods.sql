-- A branch's opening hours, type and statutory status over time.
-- Params: $branch.
select
    valid_from,
    valid_to,
    branch_type,
    statutory,
    weekly_hours,
    provenance
from branch_period
where branch = $branch
order by valid_from
