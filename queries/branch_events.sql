-- Events at one branch, oldest first.
-- Params: $branch.
select
    event_date,
    date_precision,
    title,
    description,
    provenance
from event
where branch = $branch
order by event_date, event_id
