-- The monthly figures a data-quality check looks at, with their branch's borough: every branch's, or one's.
-- Params: $branch (a branch name, or null for every branch).
select
    f.branch,
    b.borough,
    f.month,
    f.metric,
    f.value,
    f.provenance,
    f.import_id
from monthly_figure f
join branch b using (branch)
where $branch is null or f.branch = $branch
order by f.branch, f.metric, f.month
