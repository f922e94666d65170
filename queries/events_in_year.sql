-- Events of one financial year that concern a scope: the whole service's, and the borough's.
-- Params: $fy, $borough (or null: every event).
select
    event_id,
    event_date,
    date_precision,
    coalesce(borough, 'Both boroughs') as borough,
    branch,
    title,
    description,
    provenance,
    kind
from event
where fy_of(event_date) = $fy
  and ($borough is null or borough is null or borough = $borough)
order by event_date, event_id
