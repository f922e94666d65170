-- Every stored monthly figure that fails one of CIPFA's checks, now and as it was before imports replaced
-- values (state 'now' or 'before'): what the data-quality register lists. One row per flag, with what the
-- check compared it with (reference: the usual figure, last year's, or the other measure of the pair).
-- Params: $branch (a branch, or null for all), $min_history, $typo_ratio, $quarter_ratio, $yoy_limit,
--         $key_metrics (the measures the 25% check covers).
with now as (
    select 'now' as state, branch, month, metric, value
    from monthly_figure
    where $branch is null or branch = $branch
),
replaced as (                          -- the first value an import (not undone) replaced, for each figure
    select h.branch, h.month, h.metric, arg_min(h.old_value, h.import_id) as value, min(h.import_id) as import_id
    from figure_history h
    join import_batch b using (import_id)
    where h.old_value is not null and b.undone_at is null
      and ($branch is null or h.branch = $branch)
    group by all
),
before as (                            -- only the branches an import changed: the rest is the same as now
    select 'before' as state, n.branch, n.month, n.metric, coalesce(r.value, n.value) as value
    from now n
    left join replaced r using (branch, month, metric)
    where n.branch in (select branch from replaced)
),
f as materialized (             -- read once: every check below looks at it
    select * from now
    union all
    select * from before
),
usual as (                             -- a branch's usual month for a measure: the median of months with any
    select state, branch, metric, median(value) as usual
    from f
    where value > 0
    group by all
    having count(*) >= $min_history
),
typo as (
    select f.state, 'typo' as check_name, f.branch, f.month, f.metric, f.value, u.usual as reference,
           cast(null as date) as other1, cast(null as date) as other2
    from f
    join usual u using (state, branch, metric)
    where f.value >= $typo_ratio * u.usual
       or (f.value > 0 and f.value <= u.usual / $typo_ratio)
),
quarter as (                           -- a big month whose two quarter-mates are both zero
    select f.state, 'quarter' as check_name, f.branch, f.month, f.metric, f.value, u.usual as reference,
           q.other1, q.other2
    from f
    join usual u using (state, branch, metric)
    cross join lateral (
        select
            cast(date_trunc('quarter', f.month) + interval (case when month(f.month) % 3 = 1 then 1 else 0 end) month as date) as other1,
            cast(date_trunc('quarter', f.month) + interval (case when month(f.month) % 3 = 0 then 1 else 2 end) month as date) as other2
    ) q
    join f o1 on o1.state = f.state and o1.branch = f.branch and o1.metric = f.metric and o1.month = q.other1
    join f o2 on o2.state = f.state and o2.branch = f.branch and o2.metric = f.metric and o2.month = q.other2
    where f.value > 0 and f.value >= $quarter_ratio * u.usual and o1.value = 0 and o2.value = 0
),
keyed as (                             -- the measures the 25% check covers
    select * from f where metric in (select unnest($key_metrics))
),
yoy as (                               -- more than the limit off the same month a year before
    select f.state, 'yoy' as check_name, f.branch, f.month, f.metric, f.value, l.value as reference,
           cast(l.month as date) as other1, cast(null as date) as other2
    from keyed f
    join keyed l on l.state = f.state and l.branch = f.branch and l.metric = f.metric
            and l.month = cast(f.month - interval 12 month as date)
    where l.value > 0 and abs(f.value - l.value) > $yoy_limit * l.value
),
pairs as (
    select state, branch, month,
           max(value) filter (where metric = 'pc_hours_used') as used,
           max(value) filter (where metric = 'pc_hours_available') as available,
           max(value) filter (where metric = 'event_attendance') as attendance,
           max(value) filter (where metric = 'events') as events
    from f
    where metric in ('pc_hours_used', 'pc_hours_available', 'event_attendance', 'events')
    group by all
),
flags as (
    select * from typo
    union all
    select * from quarter
    union all
    select * from yoy y                -- a typo or a lumped quarter says more: one reason is enough
    where not exists (select 1 from typo t where t.state = y.state and t.branch = y.branch
                                             and t.month = y.month and t.metric = y.metric)
      and not exists (select 1 from quarter q where q.state = y.state and q.branch = y.branch
                                                and q.month = y.month and q.metric = y.metric)
    union all
    select state, 'pc_hours', branch, month, 'pc_hours_used', used, available, null, null
    from pairs where used > available
    union all
    select state, 'attendance', branch, month, 'event_attendance', attendance, events, null, null
    from pairs where attendance > 0 and events = 0
)
select
    fl.state,
    fl.check_name,
    fl.branch,
    b.borough,
    fl.month,
    fl.metric,
    fl.value,
    fl.reference,
    fl.other1,
    fl.other2,
    r.import_id as replaced_by
from flags fl
join branch b using (branch)
left join replaced r using (branch, month, metric)
order by fl.state, fl.branch, fl.month, fl.metric, fl.check_name
