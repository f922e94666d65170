-- Moving an older warehouse (legacy): the head of service's commentary.
-- Params: none.
insert into entries.commentary (fy, section, body, written_by, written_at)
select fy, section, body, written_by, written_at
from legacy.main.commentary
