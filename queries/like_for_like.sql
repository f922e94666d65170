-- What Year on year compares: each branch's totals of a measure's metrics in two financial years (the
-- compared calendar months only), which branches are like for like, and the totals of both comparisons.
--
-- A branch that closed into another (branch.merged_into) is one unit with its successor, "Penge (with
-- Anerley)", when the closed one has figures in either year: its users moved across, so comparing the two
-- apart would read the move as a fall at one and a rise at the other. A unit's months are the larger of its
-- members' (the successor's months cover the unit's). Chosen branches are merged only with each other: a
-- reader who picks Penge alone sees Penge's own figures.
-- A unit is like for like when it has figures for every compared month of the numerator in both years.
--
-- One row per grain:
--   grain 'branch': a unit's (branch) total of a metric in a year, with its provenance and months, its
--     members (a merged unit's branches; null for a branch on its own), whether it is like for like, and its
--     numerator's months in each year;
--   grain 'reported' and 'like for like': a year's total of a metric over every unit / the like-for-like
--     ones, with the union of their provenances (a sum of some branches' split figures is never 'published');
--   grain 'scope' (when no branches are chosen): the provenance of the scope's own total of a metric in a
--     year, as year_totals.sql gives it (a whole borough-year of split figures is the published total).
-- Params: $fy and $previous_fy (the years compared), $metrics (the measure's metric codes), $numerator
-- (those counted for months), $borough (or null), $months (list of 1-12), $chosen (branch names; [] for all).
with per_branch as materialized (     -- each branch's totals (views.sql), of the branches chosen
    select *
    from branch_totals([$previous_fy, $fy], $metrics, $borough, $months)
    where len($chosen) = 0 or list_contains($chosen, branch)
),

merged as (                       -- a unit: a successor and the closed branches with figures here
    select
        b.merged_into || ' (with ' || string_agg(b.branch, ', ' order by b.branch) || ')' as unit,
        list_prepend(b.merged_into, list(b.branch order by b.branch)) as members
    from branch as b
    where b.merged_into <> ''
      and b.branch in (select p.branch from per_branch as p)
      and b.merged_into in (select p.branch from per_branch as p)
    group by b.merged_into
),

unit_of as (
    select
        unnest(members) as branch,
        unit,
        members
    from merged
),

units as materialized (           -- a branch in no unit as it is; a unit's branches added up
    select
        p.branch,
        p.borough,
        p.fy,
        p.metric,
        p.value,
        p.provenance,
        p.months,
        null::varchar[] as members
    from per_branch as p
    anti join unit_of as u on p.branch = u.branch
    union all
    select
        u.unit as branch,
        p.borough,
        p.fy,
        p.metric,
        sum(p.value) as value,
        provenance_merge(list(p.provenance)) as provenance,
        max(p.months) as months,
        u.members
    from per_branch as p
    inner join unit_of as u on p.branch = u.branch
    group by u.unit, u.members, p.borough, p.fy, p.metric
),

counted as (                      -- each unit's months of the numerator in each year
    select
        branch,
        coalesce(max(months) filter (where fy = $fy), 0) as months_this,
        coalesce(max(months) filter (where fy = $previous_fy), 0) as months_last
    from units
    where list_contains($numerator, metric)
    group by branch
),

per_borough as (                  -- the scope's own totals' provenance, as year_totals.sql works it out
    select
        borough,
        fy,
        metric,
        provenance_merge(list(distinct kinds)) as kinds,
        bit_count(bit_or(month_mask)) as months
    from per_branch
    where len($chosen) = 0
    group by borough, fy, metric
),

compared as materialized (
    select
        units.*,
        coalesce(counted.months_this >= len($months) and counted.months_last >= len($months), false) as included,
        coalesce(counted.months_this, 0) as months_this,
        coalesce(counted.months_last, 0) as months_last
    from units
    left join counted on units.branch = counted.branch
)

select
    'branch' as grain,
    branch,
    borough,
    fy,
    metric,
    value,
    provenance,
    months,
    members,
    included,
    months_this,
    months_last
from compared
union all
select                            -- every unit's total as reported, and the like-for-like units' total
    totals.grain,
    null as branch,
    null as borough,
    compared.fy,
    compared.metric,
    sum(compared.value) as value,
    provenance_merge(list(distinct compared.provenance)) as provenance,
    null as months,
    null as members,
    null as included,
    null as months_this,
    null as months_last
from compared
inner join (values ('reported'), ('like for like')) as totals (grain)
    on totals.grain = 'reported' or compared.included
group by totals.grain, compared.fy, compared.metric
union all
select
    'scope' as grain,
    null as branch,
    null as borough,
    fy,
    metric,
    null as value,
    -- a whole year's borough total of split figures is the published total; the service's is both boroughs'
    provenance_merge(list(grain_provenance(kinds, borough, null, fy, metric, len($months) = 12 and months = 12)))
        as provenance,
    null as months,
    null as members,
    null as included,
    null as months_this,
    null as months_last
from per_borough
group by fy, metric
order by grain, branch, fy, metric
