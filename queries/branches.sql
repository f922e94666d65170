-- Every branch with its borough, type, status and dates, grouped by borough.
-- Params: none.
select
    branch,
    borough,
    short_name,
    branch_type,
    statutory,
    opened,
    closed,
    reports_until,
    note,
    merged_into
from branch
order by borough, branch_type = 'digital', branch
