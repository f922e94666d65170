-- What an import writes, with the value each figure replaced: the registered table import_rows.
-- Params: $import_id.
insert into entries.figure_history
    (import_id, branch, month, metric, old_value, old_provenance, old_import_id, new_value, file_row)
select $import_id, branch, month, metric, old_value, old_provenance, old_import_id, new_value, file_row
from import_rows
