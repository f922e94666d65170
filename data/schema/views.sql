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
    case when bool_or(p = 'split') then 'split' end);

-- Provenance at the grain shown. A branch-month figure of a published year is a 'split' of a published
-- total; a sum of such figures is itself 'published' only when it is the whole of a published figure:
-- every month of the year (whole) for exactly the borough (branch null) or the service point (a branch)
-- that a return publishes for that metric. Any other sum of split figures stays 'split'.
create or replace macro grain_provenance(p, bor, br, year, m, whole) as
    case when p = 'split' and whole and exists (
        select 1 from wh.main.published_figure f
        where f.borough = bor and f.branch is not distinct from br and f.fy = year and f.metric = m)
    then 'published' else p end;

-- The union of several provenance lists (each 'modelled,published'), e.g. of two boroughs' totals.
create or replace macro provenance_merge(ps) as
    array_to_string(list_sort(list_distinct(flatten(list_transform(ps, lambda x: string_split(x, ','))))), ',');

-- The warehouse, as built from the seed.
create or replace view borough as select * from wh.main.borough;
create or replace view branch as select * from wh.main.branch;
create or replace view branch_alias as select * from wh.main.branch_alias;
create or replace view branch_period as select * from wh.main.branch_period;
create or replace view metric as select * from wh.main.metric;
create or replace view annual_figure as select * from wh.main.annual_figure;
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

-- Monthly figures: an imported figure stands in for the warehouse's figure of the same branch, month
-- and metric; every other figure is the warehouse's.
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
    s.branch,
    s.month,
    s.metric,
    s.value,
    s.provenance,
    cast(null as integer) as import_id
from wh.main.monthly_figure s
where not exists (
    select 1 from entries.main.entered_figure e
    where e.branch = s.branch and e.month = s.month and e.metric = s.metric
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
