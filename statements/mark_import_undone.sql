-- Undo, part three: the import is marked undone, by whom and when (its history is kept).
-- Params: $id, $user.
update entries.import_batch
set undone_at = current_timestamp, undone_by = $user
where import_id = $id
