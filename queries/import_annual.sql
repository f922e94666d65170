-- The stored annual figures of some boroughs and metrics, every year, with the import that wrote each (if one
-- did): what an annual import is compared with.
-- Params: $boroughs (list of boroughs), $metrics (list of metric codes).
select
    a.borough,
    a.fy,
    a.metric,
    a.value,
    a.provenance,
    e.import_id
from annual_figure a
left join entered_annual e using (borough, fy, metric)
where a.borough in (select unnest($boroughs))
  and a.metric in (select unnest($metrics))
