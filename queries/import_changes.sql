-- What every import wrote: each figure with the value it replaced (null: added), newest import first.
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
    h.file_row
from figure_history h
join branch b using (branch)
join metric m using (metric)
order by h.import_id desc, h.file_row, h.branch, h.month, h.metric
