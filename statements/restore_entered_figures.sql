-- Undo, part two: the import's figures that replaced an earlier import's go back to that import's value and
-- method.
-- Params: $id.
update entries.entered_figure f
set value = h.old_value, import_id = h.old_import_id, method = h.old_method
from entries.figure_history h
where h.import_id = $id and h.old_import_id is not null
  and f.branch = h.branch and f.month = h.month and f.metric = h.metric
