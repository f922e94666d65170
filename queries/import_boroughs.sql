-- The boroughs, with their full names and CIPFA codes, for matching the borough an imported file names.
-- Params: none.
select
    borough,
    full_name,
    flas_code
from borough
order by borough
