-- Some metrics month by month for some financial years, added up over a list of branches.
-- Params: $fys (list of years), $metrics (list of metric codes), $branches (list of branch names).
select
    fy,
    month,
    metric,
    sum(value) as value,
    provenance_union(provenance) as provenance
from figures
where branch is not null
  and list_contains($fys, fy)
  and list_contains($metrics, metric)
  and list_contains($branches, branch)
group by fy, month, metric
order by month, metric
