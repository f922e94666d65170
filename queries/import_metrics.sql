-- The metric catalogue as the importer needs it: code, label, unit and grain.
-- Params: none.
select
    metric,
    label,
    unit,
    grain
from metric
order by sort_order
