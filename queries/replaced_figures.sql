-- Figures an import replaced (and has not been undone): the value before, and the import that changed it.
-- Params: none.
select
    h.import_id,
    h.branch,
    h.month,
    h.metric,
    h.old_value as value
from figure_history h
join import_batch b using (import_id)
where h.old_value is not null
  and b.undone_at is null
order by h.import_id, h.branch, h.month, h.metric
