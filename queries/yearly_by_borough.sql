-- Each borough's yearly totals of some monthly metrics, with months reported and provenance.
-- Params: $metrics (list of metric codes).
select
    borough,
    fy,
    metric,
    sum(value) as value,
    provenance_union(provenance) as provenance,
    count(distinct month) as months
from figures
where branch is not null
  and list_contains($metrics, metric)
group by borough, fy, metric
order by borough, fy, metric
