-- How many figures undoing an import restores (it replaced them) and removes (it added them): months,
-- periods and annual figures together.
-- Params: $id.
with written as (
    select old_value from entries.figure_history where import_id = $id
    union all
    select old_value from entries.period_history where import_id = $id
    union all
    select old_value from entries.annual_history where import_id = $id
)
select
    count(*) filter (where old_value is not null) as restored,
    count(*) filter (where old_value is null) as removed
from written
