-- Moving an older warehouse (legacy): the targets the head of service set.
-- Params: none.
insert into entries.entered_target (metric, scope, fy, value, note)
select metric, scope, fy, value, note
from legacy.main.target
where provenance = 'set'
