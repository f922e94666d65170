-- The second and later rows of a file giving the same branch, month and metric, each with the first row giving it.
-- Params: none. Relations: parsed_rows (the file's rows, registered: ordinal, row, branch, month, metric).
select ordinal, row, branch, month, metric, first_row
from (
    select
        ordinal,
        row,
        branch,
        month,
        metric,
        first_value(row) over same as first_row,
        row_number() over same as nth
    from parsed_rows
    where branch is not null and month is not null and metric is not null
    window same as (partition by branch, month, metric order by ordinal)
)
where nth > 1
order by ordinal
