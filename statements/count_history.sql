-- How many figures undoing an import restores (it replaced them) and removes (it added them).
-- Params: $id.
select
    count(*) filter (where old_value is not null) as restored,
    count(*) filter (where old_value is null) as removed
from entries.figure_history
where import_id = $id
