-- What an import writes, with the value (and method) each figure replaced: the registered table import_rows.
-- Params: $import_id.
insert into entries.figure_history
    (import_id, branch, month, metric, old_value, old_provenance, old_import_id, new_value, file_row,
     old_method, new_method)
select r.import_id, r.branch, r.month, r.metric, r.old_value, r.old_provenance, r.old_import_id, r.new_value,
       r.file_row, e.method, r.method
from (select $import_id as import_id, * from import_rows) r
left join entries.entered_figure e using (branch, month, metric)
