-- Figures an import wrote that have changed since (by a later import): undoing it would lose them.
-- Params: $id.
select
    h.branch,
    h.month,
    h.metric,
    f.import_id as now_import,
    b.file_name as now_file
from entries.figure_history h
left join entries.entered_figure f using (branch, month, metric)
left join entries.import_batch b on b.import_id = f.import_id
where h.import_id = $id
  and (f.value is null or f.import_id is distinct from $id or f.value <> h.new_value)
order by h.month, h.branch, h.metric
