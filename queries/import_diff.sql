-- Each valid figure of a file against the figure stored for its branch, month and metric: added, changed or
-- unchanged (a change smaller than 1e-9 is none), with the value, provenance and import it would replace.
-- Params: none. Relations: parsed_rows (the file's rows; good marks those with no problem).
select
    p.row,
    p.borough,
    p.branch,
    p.month,
    p.metric,
    p.value as new_value,
    p.value_col,
    m.value as old_value,
    m.provenance as old_provenance,
    m.import_id as old_import_id,
    case
        when m.value is null then 'added'
        when abs(p.value - m.value) <= 1e-9 then 'unchanged'
        else 'changed'
    end as status
from parsed_rows p
left join monthly_figure m using (branch, month, metric)
where p.good
order by p.row, p.ordinal
