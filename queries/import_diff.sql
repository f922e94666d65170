-- Each valid figure of a file against the figure stored for its branch, month and metric: added, changed or
-- unchanged (a change smaller than 1e-9 is none), with the value, provenance and import it would replace.
-- Params: none. Relations: parsed_rows (the file's rows; good marks those with no problem), in any order.
select
    p.ordinal,
    m.value as old_value,
    m.provenance as old_provenance,
    m.import_id as old_import_id,
    case                           -- libstats.importer.checks.STATUS: 0 added, 1 unchanged, 2 changed
        when m.value is null then 0
        when abs(p.value - m.value) <= 1e-9 then 1
        else 2
    end as status
from parsed_rows p
left join monthly_figure m using (branch, month, metric)
where p.good
