-- What an import writes to the annual figures (the registered table annual_rows), with what each replaced.
-- Params: $import_id.
insert into entries.annual_history
    (import_id, borough, fy, metric, old_value, old_provenance, old_import_id, new_value, file_row)
select $import_id, borough, fy, metric, old_value, old_provenance, old_import_id, new_value, file_row
from annual_rows
