-- Moving an older warehouse (legacy): the imported figures that stand.
-- Params: none.
insert into entries.entered_figure (branch, month, metric, value, import_id)
select branch, month, metric, value, import_id
from legacy.main.monthly_figure
where provenance = 'imported'
