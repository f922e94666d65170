-- The annual figures of an import (the registered table annual_rows) become the ones that stand.
-- Params: $import_id.
merge into entries.entered_annual a
using annual_rows r
on a.borough = r.borough and a.fy = r.fy and a.metric = r.metric
when matched then update set value = r.new_value, import_id = $import_id
when not matched then insert (borough, fy, metric, value, import_id)
    values (r.borough, r.fy, r.metric, r.new_value, $import_id)
