-- Every monthly figure of one branch, month by month (for its page and its download).
-- Params: $branch.
select
    borough,
    branch,
    month,
    fy,
    metric,
    value,
    provenance
from figures
where branch = $branch
order by month, metric
