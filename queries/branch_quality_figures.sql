-- One branch's monthly figures, as a data-quality check looks at them.
-- Params: $branch.
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
where f.branch = $branch
order by f.metric, f.month
