-- What every import wrote: each figure with the value it replaced (null: added), newest import first. Months,
-- counts over other periods (period: the period in words, e.g. '2016-04-01 to 2016-06-30') and annual figures
-- (branch null, period the financial year).
-- Params: none.
select
    h.import_id,
    b.borough,
    h.branch,
    h.month,
    h.metric,
    m.label,
    h.old_value,
    h.new_value,
    h.old_provenance,
    h.old_import_id,
    h.file_row,
    cast(null as varchar) as period
from figure_history h
join branch b using (branch)
join metric m using (metric)
union all
select
    h.import_id,
    b.borough,
    h.branch,
    h.period_start as month,
    h.metric,
    m.label,
    h.old_value,
    h.new_value,
    case when h.old_import_id is not null then 'imported' end as old_provenance,
    h.old_import_id,
    h.file_row,
    strftime(h.period_start, '%-d %b %Y') || ' to ' || strftime(h.period_end, '%-d %b %Y')
        || case when h.grain = 'sample' then ' (sample)' else '' end as period
from period_history h
join branch b using (branch)
join metric m using (metric)
union all
select
    h.import_id,
    h.borough,
    cast(null as varchar) as branch,
    fy_first_month(h.fy) as month,
    h.metric,
    m.label,
    h.old_value,
    h.new_value,
    h.old_provenance,
    h.old_import_id,
    h.file_row,
    'the year ' || h.fy as period
from annual_history h
join metric m using (metric)
order by import_id desc, file_row asc, branch asc, month asc, metric asc
