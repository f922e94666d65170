-- Undo: the periods the import replaced go back to the earlier import's value and method.
-- Params: $id.
update entries.entered_period p
set value = h.old_value, method = h.old_method, import_id = h.old_import_id
from entries.period_history h
where h.import_id = $id and h.old_import_id is not null
  and p.branch = h.branch and p.metric = h.metric and p.period_start = h.period_start and p.period_end = h.period_end
