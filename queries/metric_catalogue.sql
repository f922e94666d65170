-- The metric catalogue and glossary, in display order.
-- Params: none.
select
    metric,
    label,
    unit,
    grain,
    additive,
    higher_is_better,
    category,
    definition
from metric
order by sort_order
