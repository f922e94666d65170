-- The warnings an import went ahead with and the reason given for each (the registered table import_warnings).
-- Params: $import_id.
insert into entries.import_warning (import_id, warning_key, check_name, branch, month, metric, message, reason)
select $import_id, key, check_name, branch, cast(month || '-01' as date), metric, message, reason
from import_warnings
