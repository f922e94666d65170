-- Undo, part one: the import's figures that replaced a warehouse figure, or added one, stop standing
-- (the warehouse's figure shows again, or there is none).
-- Params: $id.
delete from entries.entered_figure f
using entries.figure_history h
where h.import_id = $id and h.old_import_id is null
  and f.branch = h.branch and f.month = h.month and f.metric = h.metric
