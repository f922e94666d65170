-- Undo: the periods the import added stop standing.
-- Params: $id.
delete from entries.entered_period p
using entries.period_history h
where h.import_id = $id and h.old_import_id is null
  and p.branch = h.branch and p.metric = h.metric and p.period_start = h.period_start and p.period_end = h.period_end
