-- Other names librarians use for a branch (lower case), for matching names in an imported file.
-- Params: none.
select
    alias,
    branch
from branch_alias
order by alias
