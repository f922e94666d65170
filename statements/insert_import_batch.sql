-- Record one import: who, which file (its checksum and layout) and how many figures it adds and changes.
-- Params: $user, $file_name, $checksum, $added, $changed, $unchanged, $shape. Returns the new import_id.
insert into entries.import_batch (imported_by, file_name, checksum, rows_added, rows_changed, rows_unchanged,
                                  file_shape)
values ($user, $file_name, $checksum, $added, $changed, $unchanged, $shape)
returning import_id
