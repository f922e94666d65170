-- CIPFA's plausibility checks on a file's figures, judged against the warehouse as it would be after the import
-- (the stored figures of the file's branches, overlaid by the file's): one row per warning, with what the check
-- compared the figure with (reference: the usual figure, last year's, or the other measure of the pair). Only
-- figures the file changes are warned about, so a file imported again warns about nothing. The same rules as
-- quality_flags.sql (the register), over one state.
-- Params: $branches, $metrics (the file's branches, and its metrics with the other half of each pair),
--         $min_history, $typo_ratio, $quarter_ratio, $yoy_limit.
-- Relations: checked_figures (row, column, branch, month, metric, value, changes: the file's valid figures).
with file as (
    select row, "column", branch, cast(month as date) as month, metric, value, changes
    from checked_figures
),
f as materialized (                    -- the warehouse after the import
    select s.branch, s.month, s.metric, s.value, false as changes
    from monthly_figure s
    where s.branch in (select unnest($branches)) and s.metric in (select unnest($metrics))
      and not exists (select 1 from file i where i.branch = s.branch and i.month = s.month and i.metric = s.metric)
    union all
    select branch, month, metric, value, changes from file
),
usual as (                             -- a branch's usual month for a measure: the median of months with any
    select branch, metric, median(value) as usual
    from f
    where value > 0
    group by all
    having count(*) >= $min_history
),
changed as (
    select * from file where changes
),
typo as (                              -- about ten times (or a tenth of) the usual figure: a digit too many or few
    select 'typo' as check_name, c.row, c."column", c.branch, c.month, c.metric, c.value, u.usual as reference,
           cast(null as date) as other1, cast(null as date) as other2
    from changed c
    join usual u using (branch, metric)
    where c.value / u.usual >= $typo_ratio
       or (c.value > 0 and c.value / u.usual <= 1 / $typo_ratio)
),
quarter as (                           -- a big month whose two quarter-mates are both zero
    select 'quarter' as check_name, c.row, c."column", c.branch, c.month, c.metric, c.value, u.usual as reference,
           q.other1, q.other2
    from changed c
    join usual u using (branch, metric)
    cross join lateral (
        select
            cast(date_trunc('quarter', c.month) + interval (case when month(c.month) % 3 = 1 then 1 else 0 end) month as date) as other1,
            cast(date_trunc('quarter', c.month) + interval (case when month(c.month) % 3 = 0 then 1 else 2 end) month as date) as other2
    ) q
    join f o1 on o1.branch = c.branch and o1.metric = c.metric and o1.month = q.other1
    join f o2 on o2.branch = c.branch and o2.metric = c.metric and o2.month = q.other2
    where c.value > 0 and c.value >= $quarter_ratio * u.usual and o1.value = 0 and o2.value = 0
),
yoy as (                               -- more than the limit off the same month a year before
    select 'yoy' as check_name, c.row, c."column", c.branch, c.month, c.metric, c.value, l.value as reference,
           l.month as other1, cast(null as date) as other2
    from changed c
    join f l on l.branch = c.branch and l.metric = c.metric and l.month = cast(c.month - interval 12 month as date)
    where l.value > 0 and abs(c.value - l.value) > $yoy_limit * l.value
),
pair_names (check_name, part, whole) as (
    values ('pc_hours', 'pc_hours_used', 'pc_hours_available'), ('attendance', 'event_attendance', 'events')
),
pair_rows as (                         -- branch-months the file changes either half of: the row warned on is the
    select n.check_name, n.part, n.whole, c.branch, c.month,   -- part's if the file changes it, else the whole's
           arg_min(c.row, c.metric <> n.part) as row,
           arg_min(c."column", c.metric <> n.part) as "column",
           arg_min(c.metric, c.metric <> n.part) as metric
    from changed c
    join pair_names n on c.metric in (n.part, n.whole)
    group by all
),
pairs as (
    select r.*, p.value as part_value, w.value as whole_value
    from pair_rows r
    join f p on p.branch = r.branch and p.month = r.month and p.metric = r.part
    join f w on w.branch = r.branch and w.month = r.month and w.metric = r.whole
)
select * from typo
union all
select * from quarter
union all
select * from yoy y                    -- a typo or a lumped quarter says more: one reason is enough
where not exists (select 1 from typo t where t.branch = y.branch and t.month = y.month and t.metric = y.metric)
  and not exists (select 1 from quarter q where q.branch = y.branch and q.month = y.month and q.metric = y.metric)
union all
select check_name, row, "column", branch, month, metric, part_value, whole_value, null, null
from pairs
where (check_name = 'pc_hours' and part_value > whole_value)
   or (check_name = 'attendance' and part_value > 0 and whole_value = 0)
