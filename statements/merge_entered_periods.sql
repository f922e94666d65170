-- The periods of an import (the registered table period_rows) become the periods that stand, matched on the key.
-- Params: $import_id.
merge into entries.entered_period p
using period_rows r
on p.branch = r.branch and p.metric = r.metric and p.period_start = r.period_start and p.period_end = r.period_end
when matched then update set value = r.new_value, method = r.method, import_id = $import_id
when not matched then insert (branch, metric, period_start, period_end, grain, value, method, import_id)
    values (r.branch, r.metric, r.period_start, r.period_end, r.grain, r.new_value, r.method, $import_id)
