-- Every event that concerns a scope (the whole service's and the borough's), oldest first, with what
-- sort of change it was and the effect the seed generator gives it.
-- Params: $borough (or null: every event).
select
    event_id,
    event_date,
    date_precision,
    coalesce(borough, 'Both boroughs') as borough,
    branch,
    title,
    description,
    provenance,
    kind,
    branches,
    priority,
    modelled_effect,
    modelled_first_effect,
    modelled_first_months,
    modelled_metrics
from event
where $borough is null or borough is null or borough = $borough
order by event_date, event_id
