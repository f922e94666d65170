-- Annual borough figures (active borrowers, finance, staff, stock …) for every year.
-- Params: $metrics (list of metric codes), $borough (or null for both boroughs).
select
    borough,
    fy,
    metric,
    value,
    provenance
from annual_figure
where list_contains($metrics, metric)
  and ($borough is null or borough = $borough)
order by borough, fy, metric
