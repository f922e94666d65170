-- Undo: the annual figures the import added, or laid over the warehouse's, stop standing.
-- Params: $id.
delete from entries.entered_annual a
using entries.annual_history h
where h.import_id = $id and h.old_import_id is null
  and a.borough = h.borough and a.fy = h.fy and a.metric = h.metric
