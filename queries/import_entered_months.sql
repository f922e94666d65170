-- The months imported one by one of some branches and metrics, with the import that stands: a count over
-- whole months may not cover them.
-- Params: $branches (list of branch names), $metrics (list of metric codes).
select
    branch,
    month,
    metric,
    import_id
from monthly_figure
where provenance = 'imported'
  and branch in (select unnest($branches))
  and metric in (select unnest($metrics))
order by branch, metric, month
