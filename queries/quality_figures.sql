-- Every monthly figure a data-quality check looks at, with its branch's borough.
-- Params: none.
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
order by f.branch, f.metric, f.month
