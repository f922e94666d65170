-- The second and later rows of a file giving the same branch, month and metric, each with the first row giving it.
-- Params: none. Relations: parsed_rows (the file's rows, registered: ordinal, row, branch, month, metric).
with keyed as (
    select ordinal, row, branch, month, metric
    from parsed_rows
    where branch is not null and month is not null and metric is not null
),
twice as (                             -- found by hashing first: only these figures' rows are put in order
    select branch, month, metric
    from keyed
    group by all
    having count(*) > 1
)
select ordinal, row, branch, month, metric, first_row
from (
    select
        k.ordinal,
        k.row,
        k.branch,
        k.month,
        k.metric,
        first_value(k.row) over same as first_row,
        row_number() over same as nth
    from keyed k
    semi join twice using (branch, month, metric)
    window same as (partition by k.branch, k.month, k.metric order by k.ordinal)
)
where nth > 1
order by ordinal
