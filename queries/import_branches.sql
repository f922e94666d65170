-- Every branch with what the importer needs to match a name and tell whether it was open.
-- Params: none.
select
    branch,
    borough,
    short_name,
    branch_type,
    opened,
    closed,
    reports_until
from branch
order by branch
