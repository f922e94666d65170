-- Where one branch stands in a financial year on some measures, among the physical branches (digital ones have
-- no branch to visit): its total, its rank in its borough and in the service (1 the largest; ties share the
-- higher place, as a league table does), its figure per opening hour and its borough's median of that, and the
-- provenance of its own figures and of its hours. No row for a measure the branch has no figure of.
-- Params: $branch, $fy, $metrics (metric codes) and $measures (the measure each of $metrics adds up to, by position).
with measure_of as (
    select unnest($metrics) as metric, unnest($measures) as measure, generate_subscripts($metrics, 1) as position
),
physical as (
    select branch, borough from branch where branch_type <> 'digital'
),
per_metric as (                          -- as branch_year_totals.sql has them: a year's published whole is published
    -- (figures is not aliased f: grain_provenance's own subquery calls published_figure f, and would read it)
    select
        fig.branch,
        p.borough,
        fig.metric,
        sum(fig.value) as value,
        case when fig.branch = $branch then grain_provenance(provenance_union(fig.provenance), p.borough, fig.branch, $fy,
                                                             fig.metric, count(*) = 12) end as provenance
    from figures fig
    join physical p on p.branch = fig.branch
    where fig.fy = $fy and list_contains($metrics, fig.metric)
    group by fig.branch, p.borough, fig.metric
),
per_measure as (
    select
        t.branch,
        t.borough,
        m.measure,
        min(m.position) as position,
        sum(t.value) as value,
        provenance_merge(list(t.provenance) filter (where t.provenance is not null)) as provenance
    from per_metric t
    join measure_of m on m.metric = t.metric
    group by t.branch, t.borough, m.measure
),
hours as (                               -- hours open in the year: weekly hours × weeks, month by month
    select
        p.branch,
        sum(p.weekly_hours * (last_day(m.month) - m.month + 1) / 7.0) as opening_hours,
        provenance_union(p.provenance) as provenance
    from (select cast(unnest(generate_series(fy_first_month($fy), fy_first_month($fy) + interval 11 month,
                                             interval 1 month)) as date) as month) m
    join branch_period p
      on m.month between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
    where p.weekly_hours > 0
    group by p.branch
),
ranked as (
    select
        t.branch,
        t.borough,
        t.measure,
        t.position,
        t.value,
        t.provenance,
        h.provenance as hours_provenance,
        rank() over (partition by t.measure, t.borough order by t.value desc) as borough_rank,
        count(*) over (partition by t.measure, t.borough) as borough_branches,
        rank() over (partition by t.measure order by t.value desc) as service_rank,
        count(*) over (partition by t.measure) as service_branches,
        t.value / nullif(h.opening_hours, 0) as per_hour,
        median(t.value / nullif(h.opening_hours, 0)) over (partition by t.measure, t.borough) as borough_median_per_hour
    from per_measure t
    left join hours h on h.branch = t.branch
)
select
    measure,
    borough,
    value,
    borough_rank,
    borough_branches,
    service_rank,
    service_branches,
    per_hour,
    borough_median_per_hour,
    provenance,
    hours_provenance
from ranked
where branch = $branch
order by position
