-- Service-plan targets for one metric or KPI and one scope ('Service', a borough, a branch), by year.
-- Params: $metric, $scope.
select
    fy,
    value,
    provenance,
    note
from target
where metric = $metric
  and scope = $scope
order by fy
