-- The stored monthly figures of some branches and metrics, every month (what an import is compared with).
-- Params: $branches (list of branch names), $metrics (list of metric codes).
select
    branch,
    month,
    metric,
    value,
    provenance,
    import_id
from monthly_figure
where branch in (select unnest($branches))
  and metric in (select unnest($metrics))
