-- Every target set for one financial year, by metric and scope.
-- Params: $fy.
select
    metric,
    scope,
    value,
    provenance,
    note
from target
where fy = $fy
  and metric in ('visits', 'book_issues', 'active_borrowers', 'pc_utilisation')
order by metric, scope
