-- Moving an older warehouse (legacy): the reasons given for warnings.
-- Params: none.
insert into entries.import_warning (import_id, warning_key, check_name, branch, month, metric, message, reason)
select import_id, warning_key, check_name, branch, month, metric, message, reason
from legacy.main.import_warning
