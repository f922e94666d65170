-- What the queries read: the warehouse (attached read-only as wh) and the entries store (attached as
-- entries) laid side by side in one connection's in-memory catalog, by libstats.db on every open.
-- The queries name tables plainly (monthly_figure, branch, commentary); each name below is either the
-- warehouse's or the entries store's table, or an overlay of entries on the warehouse. Writes name
-- their entries table in full (entries.commentary), so nothing can write through an overlay.

create or replace macro fy_of(d) as
    cast(year(d) - (month(d) < 4)::integer as varchar) || '-'
    || lpad(cast((year(d) - (month(d) < 4)::integer + 1) % 100 as varchar), 2, '0');

create or replace macro fy_first_month(fy) as make_date(cast(substr(fy, 1, 4) as integer), 4, 1);

-- The provenances behind an aggregate, as one sorted list ('modelled,published'): an aggregate macro,
-- three times faster than string_agg(distinct …) (the vocabulary is fixed by the tables' checks).
-- A derived figure carries every input's kind, so its weakest (libstats/provenance.py words it).
create or replace macro provenance_union(p) as concat_ws(',',
    case when bool_or(p = 'imported') then 'imported' end,
    case when bool_or(p = 'modelled') then 'modelled' end,
    case when bool_or(p = 'published') then 'published' end,
    case when bool_or(p = 'split') then 'split' end,
    case when bool_or(p = 'spread') then 'spread' end);

-- Provenance at the grain shown. A branch-month figure of a published year is a 'split' of a published
-- total; a sum of such figures is itself 'published' only when it is the whole of a published figure:
-- every month of the year (whole) for exactly the borough (branch null) or the service point (a branch)
-- that a return publishes for that metric. Any other sum of split figures stays 'split'.
-- A whole year also holds the whole of every imported period spread over its months inside that year (a
-- quarter: provenance 'spread'), so such a year gives back the imported figures: 'spread' becomes 'imported'.
create or replace macro grain_provenance(p, bor, br, year, m, whole) as
    case when p = 'split' and whole and exists (
        select 1 from wh.main.published_figure f
        where f.borough = bor and f.branch is not distinct from br and f.fy = year and f.metric = m)
    then 'published'
    when whole and contains(p, 'spread') then array_to_string(list_sort(list_distinct(list_transform(
        string_split(p, ','), lambda x: case when x = 'spread' then 'imported' else x end))), ',')
    else p end;

-- The union of several provenance lists (each 'modelled,published'), e.g. of two boroughs' totals.
create or replace macro provenance_merge(ps) as
    array_to_string(list_sort(list_distinct(flatten(list_transform(ps, lambda x: string_split(x, ','))))), ',');

-- The warehouse, as built from the seed.
create or replace view borough as select * from wh.main.borough;
create or replace view branch as select * from wh.main.branch;
create or replace view branch_alias as select * from wh.main.branch_alias;
create or replace view branch_period as select * from wh.main.branch_period;
create or replace view metric as select * from wh.main.metric;
create or replace view published_figure as select * from wh.main.published_figure;
create or replace view population as select * from wh.main.population;
create or replace view event as select * from wh.main.event;
create or replace view peer_figure as select * from wh.main.peer_figure;
create or replace view fy_month as select * from wh.main.fy_month;
create or replace view build_info as select * from wh.main.build_info;

-- The entries store, as people made it.
create or replace view import_batch as select * from entries.main.import_batch;
create or replace view figure_history as select * from entries.main.figure_history;
create or replace view import_warning as select * from entries.main.import_warning;
create or replace view commentary as select * from entries.main.commentary;
create or replace view data_version as select * from entries.main.data_version;
-- Who may sign in (never the password hashes), their local sessions (tokens only as hashes), the audit trail.
create or replace view account as
select name, email, role, scopes, failed_sign_ins, locked_until, disabled_at, created_at, created_by,
       password_hash is not null as has_password
from entries.main.account;
create or replace view sign_in_session as select * from entries.main.sign_in_session;
create or replace view audit_event as select * from entries.main.audit_event;

-- Imported counts over whole months other than one (a quarter), spread over their months for monthly
-- charts: by days (a 31-day month takes more of a quarter than February), whole counts by largest remainder
-- (ties to the earlier month), so the months always add up to the figure imported, exactly. Provenance
-- 'spread' (ranked with modelled) when the period lies inside one financial year, so a whole year gives the
-- imported figure back (grain_provenance); 'modelled' when it straddles two years.
create or replace view period_spread as
with months as (
    select
        p.branch, p.metric, p.period_start, p.period_end, p.value, p.import_id, p.method,
        cast(m.month as date) as month,
        cast(last_day(m.month) - cast(m.month as date) + 1 as double) as days,
        cast(p.period_end - p.period_start + 1 as double) as all_days,
        row_number() over (partition by p.branch, p.metric, p.period_start, p.period_end order by m.month) as n,
        count(*) over (partition by p.branch, p.metric, p.period_start, p.period_end) as months
    from entries.main.entered_period p,
         lateral (select unnest(generate_series(p.period_start, p.period_end, interval 1 month)) as month) m
    where p.grain = 'months'
),
shares as (
    select *,
        value * days / all_days as exact,
        floor(value * days / all_days) as floored,
        value = floor(value) as whole_count
    from months
),
ranked as (
    select *,
        row_number() over (partition by branch, metric, period_start, period_end
                           order by exact - floored desc, month) as by_remainder,
        value - sum(floored) over (partition by branch, metric, period_start, period_end) as remainder,
        sum(round(exact, 2)) over (partition by branch, metric, period_start, period_end order by month
                                   rows between unbounded preceding and 1 preceding) as earlier
    from shares
)
select
    branch,
    month,
    metric,
    case when whole_count then floored + (by_remainder <= remainder)::integer
         when n = months then value - coalesce(earlier, 0)
         else round(exact, 2) end as value,
    case when fy_of(period_start) = fy_of(period_end) then 'spread' else 'modelled' end as provenance,
    import_id,
    method,
    period_start,
    period_end
from ranked;

-- Monthly figures: an imported figure stands in for the warehouse's figure of the same branch, month
-- and metric; a month of an imported period (spread, above) stands in for the warehouse's too; every other
-- figure is the warehouse's. (The importer refuses a period over months imported one by one, and a month
-- inside an imported period, so the two never meet.)
create or replace view monthly_figure as
select
    e.branch,
    e.month,
    e.metric,
    e.value,
    'imported' as provenance,
    e.import_id
from entries.main.entered_figure e
union all
select
    p.branch,
    p.month,
    p.metric,
    p.value,
    p.provenance,
    p.import_id
from period_spread p
anti join entries.main.entered_figure e
    on e.branch = p.branch and e.month = p.month and e.metric = p.metric
union all
-- Anti joins, not `not exists`: DuckDB pushes a query's filters (metric, months) below an anti join into the
-- warehouse's scan, and not below a correlated `not exists`, which read all 3 million rows at national scale.
select
    s.branch,
    s.month,
    s.metric,
    s.value,
    s.provenance,
    cast(null as integer) as import_id
from wh.main.monthly_figure s
anti join entries.main.entered_figure e
    on e.branch = s.branch and e.month = s.month and e.metric = s.metric
anti join (select branch, metric, period_start, period_end from entries.main.entered_period where grain = 'months') p
    on p.branch = s.branch and p.metric = s.metric and s.month between p.period_start and p.period_end;

-- How each entered month was counted (the return's Count type), for the branch page: a month imported
-- on its own, or a month of an imported period (then with the period it was counted over).
create or replace view figure_method as
select branch, month, metric, method, month as period_start, last_day(month) as period_end, import_id
from entries.main.entered_figure
where method is not null
union all
select branch, month, metric, method, period_start, period_end, import_id
from period_spread
where method is not null;

-- The periods imported as counted (quarters, sampled weeks), with their borough.
create or replace view entered_period as
select b.borough, p.*, cast(p.period_end - p.period_start + 1 as integer) as days
from entries.main.entered_period p
join branch b using (branch);

-- Sampled counts (a week, an 8-day window, a day): never in a month or a year; grossed up only as an
-- estimate (libstats/periods.py).
create or replace view sample_figure as
select * from entered_period where grain = 'sample';

-- Annual figures: an imported year of a borough stands in for the warehouse's figure of the same borough,
-- year and metric.
create or replace view annual_figure as
select e.borough, e.fy, e.metric, e.value, 'imported' as provenance
from entries.main.entered_annual e
union all
select s.borough, s.fy, s.metric, s.value, s.provenance
from wh.main.annual_figure s
where not exists (
    select 1 from entries.main.entered_annual e
    where e.borough = s.borough and e.fy = s.fy and e.metric = s.metric
);

-- Targets: a year the head of service has set replaces the seed's illustrative targets for that year.
create or replace view target as
select
    t.metric,
    t.scope,
    t.fy,
    t.value,
    'set' as provenance,
    t.note,
    y.set_by,
    y.set_at
from entries.main.entered_target t
join entries.main.target_year y using (fy)
union all
select
    s.metric,
    s.scope,
    s.fy,
    s.value,
    s.provenance,
    s.note,
    cast(null as varchar) as set_by,
    cast(null as timestamp) as set_at
from wh.main.target s
where s.fy not in (select fy from entries.main.target_year);

-- Every figure in one shape: what exports, checks and the board pack read. Annual borough figures use
-- the first month of their year and no branch.
create or replace view figures as
select
    b.borough,
    f.branch,
    f.month,
    c.fy,
    f.metric,
    f.value,
    f.provenance
from monthly_figure f
join branch b using (branch)
join fy_month c using (month)
union all
select
    a.borough,
    null as branch,
    fy_first_month(a.fy) as month,
    a.fy,
    a.metric,
    a.value,
    a.provenance
from annual_figure a;

-- The annual figures imported, as they stand (the import that wrote each).
create or replace view entered_annual as select * from entries.main.entered_annual;
create or replace view period_history as select * from entries.main.period_history;
create or replace view annual_history as select * from entries.main.annual_history;

-- Each branch's total of some metrics in some financial years, counting only the given calendar months (all
-- 12: no test per row), with the months it has figures for and its provenance at that grain: a whole year of a
-- service point whose figure is published (the busiest points) is published. kinds (its figures' provenances
-- before that rule) and month_mask (which calendar months) let a query add branches up to its scope's own
-- provenance. One definition for queries/branch_year_totals.sql and queries/like_for_like.sql.
create or replace macro branch_totals(years, metric_codes, scope_borough, month_numbers) as table
select
    branch,
    borough,
    fy,
    metric,
    sum(value) as value,
    grain_provenance(provenance_union(provenance), borough, branch, fy, metric,
                     len(month_numbers) = 12 and count(*) = 12) as provenance,
    count(*) as months,                  -- one row per month: (branch, month, metric) is a key
    provenance_union(provenance) as kinds,
    bit_or(1 << month(month)) as month_mask
from figures
where branch is not null
  and list_contains(years, fy)
  and list_contains(metric_codes, metric)
  and (scope_borough is null or borough = scope_borough)
  and (len(month_numbers) = 12 or list_contains(month_numbers, month(month)))
group by branch, borough, fy, metric;
