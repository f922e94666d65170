-- Moving a warehouse built before the entries store (attached as legacy): its imports, ids kept.
-- Params: none.
insert into entries.import_batch
    (import_id, imported_at, imported_by, file_name, checksum, rows_added, rows_changed, rows_unchanged,
     file_shape, undone_at, undone_by)
select import_id, imported_at, imported_by, file_name, checksum, rows_added, rows_changed, rows_unchanged,
       file_shape, undone_at, undone_by
from legacy.main.import_batch
