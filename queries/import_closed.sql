-- The rows of a file for a month in which their branch was not open: no stretch it was open overlaps the month.
-- Params: none. Relations: parsed_rows (the file's rows: ordinal, row, branch, month, month_on_row);
-- branch_spans (branch, first_day, last_day: each stretch a branch of the file was open and in its borough's
-- return, last_day null while it still is).
with months as (                       -- each branch-month once (a file has many rows for each)
    select distinct branch, month
    from parsed_rows
    where branch is not null and month is not null
),
shut as (
    select m.branch, m.month
    from months m
    where not exists (
        select 1 from branch_spans s
        where s.branch = m.branch
          and s.first_day <= last_day(m.month)
          and (s.last_day is null or s.last_day >= m.month)
    )
)
select
    p.ordinal,
    p.row,
    p.month_on_row,
    p.branch,
    p.month
from parsed_rows p
semi join shut using (branch, month)
order by p.ordinal
