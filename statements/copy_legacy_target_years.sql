-- Moving an older warehouse (legacy): the years whose targets the head of service set.
-- Params: none.
insert into entries.target_year (fy, set_by, set_at)
select fy, coalesce(max(set_by), 'unknown'), coalesce(max(set_at), current_timestamp)
from legacy.main.target
where provenance = 'set'
group by fy
