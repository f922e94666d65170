-- The figures of an import (the registered table import_rows) become the entered figures that stand:
-- one statement for the whole file, matched on the key (branch, month, metric), with how each was counted.
-- Params: $import_id.
merge into entries.entered_figure f
using import_rows r
on f.branch = r.branch and f.month = r.month and f.metric = r.metric
when matched then update set value = r.new_value, import_id = $import_id, method = r.method
when not matched then insert (branch, month, metric, value, import_id, method)
    values (r.branch, r.month, r.metric, r.new_value, $import_id, r.method)
