-- Every import of a monthly return, newest first, with how many warnings went ahead with a reason.
-- Params: none.
select
    b.import_id,
    b.imported_at,
    b.imported_by,
    b.file_name,
    b.checksum,
    b.file_shape,
    b.rows_added,
    b.rows_changed,
    b.rows_unchanged,
    count(w.warning_key) as warnings,
    b.undone_at,
    b.undone_by
from import_batch b
left join import_warning w using (import_id)
group by all
order by b.import_id desc
