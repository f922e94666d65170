-- Figures an import wrote that have changed since (by a later import): undoing it would lose them. Months,
-- periods (by their first month) and annual figures (the borough, by its year's first month) together.
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
union all
select
    h.branch,
    h.period_start as month,
    h.metric,
    p.import_id as now_import,
    b.file_name as now_file
from entries.period_history h
left join entries.entered_period p using (branch, metric, period_start, period_end)
left join entries.import_batch b on b.import_id = p.import_id
where h.import_id = $id
  and (p.value is null or p.import_id is distinct from $id or p.value <> h.new_value)
union all
select
    h.borough as branch,
    make_date(cast(substr(h.fy, 1, 4) as integer), 4, 1) as month,
    h.metric,
    a.import_id as now_import,
    b.file_name as now_file
from entries.annual_history h
left join entries.entered_annual a using (borough, fy, metric)
left join entries.import_batch b on b.import_id = a.import_id
where h.import_id = $id
  and (a.value is null or a.import_id is distinct from $id or a.value <> h.new_value)
order by month, branch, metric
