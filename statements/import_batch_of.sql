-- One import's file, when and by whom it was made and undone (read inside the undo's transaction).
-- Params: $id.
select file_name, imported_at, imported_by, undone_at, undone_by
from entries.import_batch
where import_id = $id
