-- Moving an older warehouse (legacy): what each import replaced.
-- Params: none.
insert into entries.figure_history
    (import_id, branch, month, metric, old_value, old_provenance, old_import_id, new_value, file_row)
select import_id, branch, month, metric, old_value, old_provenance, old_import_id, new_value, file_row
from legacy.main.figure_history
