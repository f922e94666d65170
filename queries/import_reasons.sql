-- The plausibility warnings every import went ahead with, and the reason given for each.
-- Params: none.
select
    import_id,
    warning_key,
    check_name,
    branch,
    month,
    metric,
    message,
    reason
from import_warning
order by import_id desc, month asc, branch asc, warning_key asc
