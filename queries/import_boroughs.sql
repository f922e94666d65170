-- The boroughs, with their full names, CIPFA codes and ONS (GSS) codes, for matching the borough an imported file names.
-- Params: none.
select
    borough,
    full_name,
    flas_code,
    gss_code
from borough
order by borough
