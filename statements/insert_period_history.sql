-- What an import writes to the periods (the registered table period_rows), with what each replaced.
-- Params: $import_id.
insert into entries.period_history
    (import_id, branch, metric, period_start, period_end, grain, old_value, old_method, old_import_id, new_value,
     new_method, file_row)
select $import_id, branch, metric, period_start, period_end, grain, old_value, old_method, old_import_id, new_value,
       method, file_row
from period_rows
