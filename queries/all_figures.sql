-- Every figure in the warehouse in the one shape of the figures view (for the full export).
-- Params: none.
select
    borough,
    branch,
    month,
    fy,
    metric,
    value,
    provenance
from figures
order by borough, branch nulls first, month, metric
