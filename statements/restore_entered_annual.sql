-- Undo: the annual figures the import replaced go back to the earlier import's value.
-- Params: $id.
update entries.entered_annual a
set value = h.old_value, import_id = h.old_import_id
from entries.annual_history h
where h.import_id = $id and h.old_import_id is not null
  and a.borough = h.borough and a.fy = h.fy and a.metric = h.metric
