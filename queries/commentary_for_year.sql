-- The head of service's commentary on each section of one year's appraisal, with who and when.
-- Params: $fy.
select
    section,
    body,
    written_by,
    written_at
from commentary
where fy = $fy
order by section
