-- Every peer authority's figures for one financial year (the outer-London comparison group).
-- Params: $fy.
select
    flas_code,
    authority,
    metric,
    value,
    provenance
from peer_figure
where fy = $fy
order by authority, metric
