-- Every branch's opening-hours periods, to tell which months a branch was open in.
-- Params: none.
select
    branch,
    valid_from,
    valid_to,
    branch_type,
    weekly_hours
from branch_period
order by branch, valid_from
