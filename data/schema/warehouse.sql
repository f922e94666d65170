-- The warehouse of the Bexley and Bromley shared library service: a pure function of data/seed/.
-- Built by `python -m libstats build` from this file and the CSVs in data/seed/, opened read-only by
-- the dashboard, and rebuilt at any time: nothing a person enters is kept here (that is the entries
-- store, data/schema/entries/). data/schema/views.sql lays the two side by side for the queries.
-- Provenance of a figure, at the grain it is stored: 'published' (the figure itself is in an official
-- CIPFA return), 'split' (a branch-month share of a published total: the total is published, the
-- split is modelled; queries that add up the whole total call the sum 'published') or 'modelled'
-- (an estimate made by the seed generator). Imported figures live in the entries store.

create table borough (
    borough      varchar primary key,            -- 'Bexley', 'Bromley'
    flas_code    varchar not null unique,        -- CIPFA authority code (E5032, E5034)
    full_name    varchar not null,
    gss_code     varchar unique                  -- ONS GSS code (E09000004, E09000006), as open data names it
);

create table branch (
    branch       varchar primary key,            -- unique display name, e.g. 'Central (Bexleyheath)'
    borough      varchar not null references borough (borough),
    short_name   varchar not null,               -- the name used inside its borough: 'Central'
    branch_type  varchar not null check (branch_type in ('council-run', 'community', 'mobile', 'digital')),
    statutory    boolean not null,               -- part of the statutory service at its latest state
    opened       date,                           -- null: open before the warehouse starts
    closed       date,                           -- last day open; null: still open
    reports_until date,                          -- last day its figures are in the borough's return
    note         varchar,
    -- the branch that took in its users when it closed (Anerley into Penge): like for like compares the two
    -- as one unit across the merger, not "one out, one in" (checked against branch by the seed's tests)
    merged_into  varchar,
    check (closed is null or opened is null or closed >= opened)
);

-- Other names librarians use for a branch, matched case-insensitively by the importer.
create table branch_alias (
    alias        varchar primary key,            -- lower case
    branch       varchar not null references branch (branch)
);

-- Opening hours, type and statutory status over time: one row per period.
create table branch_period (
    branch       varchar not null references branch (branch),
    valid_from   date not null,
    valid_to     date,                           -- inclusive; null: still current
    branch_type  varchar not null check (branch_type in ('council-run', 'community', 'mobile', 'digital')),
    statutory    boolean not null,
    weekly_hours decimal(6, 2) check (weekly_hours >= 0),
    provenance   varchar not null check (provenance in ('published', 'modelled')),
    primary key (branch, valid_from),
    check (valid_to is null or valid_to >= valid_from)
);

-- The metric catalogue and glossary.
create table metric (
    metric       varchar primary key,
    label        varchar not null,
    unit         varchar not null check (unit in ('count', 'hours', 'people', 'fte', 'gbp')),
    grain        varchar not null check (grain in ('monthly', 'annual')),
    additive     boolean not null,               -- may be summed across branches, months and boroughs
    higher_is_better boolean,                    -- null: neither (e.g. spending)
    category     varchar not null,
    definition   varchar not null,
    sort_order   integer not null
);

-- Monthly figures per branch per metric.
create table monthly_figure (
    branch       varchar not null references branch (branch),
    month        date not null check (day(month) = 1),
    metric       varchar not null references metric (metric),
    value        double not null check (value >= 0),
    provenance   varchar not null check (provenance in ('split', 'modelled')),
    primary key (branch, month, metric)
);

-- Annual figures per borough per metric (active borrowers, finance, staff, volunteers, stock).
create table annual_figure (
    borough      varchar not null references borough (borough),
    fy           varchar not null check (regexp_full_match(fy, '\d{4}-\d{2}')),
    metric       varchar not null references metric (metric),
    value        double not null,
    provenance   varchar not null check (provenance in ('published', 'modelled')),
    primary key (borough, fy, metric)
);

-- The published figures as printed in the returns (the reference the seed must reproduce).
-- branch null: the borough's total; a branch: the busiest service point's figure.
create table published_figure (
    borough      varchar not null references borough (borough),
    branch       varchar references branch (branch),
    fy           varchar not null,
    -- a metric code, 'book_issues' (the four categories), or the visits of a shared building: 'door_count'
    -- (everyone through the door, before the non-library deduction) and 'non_library_visits' (the deduction)
    metric       varchar not null,
    value        double not null,
    source       varchar not null,
    note         varchar
);

create table population (
    borough      varchar not null references borough (borough),
    fy           varchar not null,
    population   integer not null check (population > 0),
    provenance   varchar not null check (provenance in ('published', 'modelled')),
    source       varchar not null,
    primary key (borough, fy)
);

-- Service-plan targets from the seed (illustrative: the real ones are not public). scope: 'Service',
-- a borough name, or a branch name. Targets the head of service sets live in the entries store.
create table target (
    metric       varchar not null,               -- a metric code or a derived KPI code
    scope        varchar not null,
    fy           varchar not null,
    value        double not null check (value >= 0),
    provenance   varchar not null check (provenance in ('published', 'illustrative')),
    note         varchar,
    primary key (metric, scope, fy)
);

-- Events drawn as chart annotations. borough and branch null: the whole service.
create table event (
    event_id     integer primary key,
    event_date   date not null,
    date_precision varchar not null check (date_precision in ('day', 'month', 'year')),
    borough      varchar references borough (borough),
    branch       varchar references branch (branch),
    title        varchar not null,
    description  varchar not null,
    provenance   varchar not null check (provenance in ('published', 'modelled')),
    source       varchar,
    -- what sort of change it was (opening, closure, improvement, relocation, merger, management, scope,
    -- policy, system, service), so a before-and-after can say where it does not apply
    kind         varchar,
    branches     varchar,                        -- the branches it touched, ';'-separated, when not one branch
    priority     varchar,                        -- the first-year priority it is (crayford, central, lms)
    -- the factor the seed generator applies to the touched branches from the event's month on;
    -- modelled_first_effect for the first modelled_first_months months instead; modelled_metrics:
    -- 'loans' when only book issues and requests are touched (blank: every measure)
    modelled_effect double,
    modelled_first_effect double,
    modelled_first_months integer,
    modelled_metrics varchar
);

-- Other library authorities' published figures, for the peer comparison (CIPFA 2015-16, all of the
-- outer-London comparison group; Bexley and Bromley are in it too). population is an estimate.
create table peer_figure (
    flas_code    varchar not null,
    authority    varchar not null,
    fy           varchar not null,
    metric       varchar not null,
    value        double not null,
    provenance   varchar not null check (provenance in ('published', 'modelled')),
    source       varchar not null,
    primary key (flas_code, fy, metric)
);

-- What this warehouse was built from (the seed's and this schema's checksums), so a stale build can be told.
create table build_info (
    built_at     timestamp not null,
    seed_checksum varchar not null,
    schema_checksum varchar not null,            -- of this file: a warehouse built from an older one is rebuilt
    scale        varchar not null check (scale in ('seed', 'national'))
);

-- The financial year of every month from 1900 to 2199, so the figures view joins to a year instead of
-- working it out for every row: a filter on fy then narrows the months before monthly_figure is read
-- (DuckDB pushes the join's month range into the scan), which matters at national scale.
create table fy_month (
    month        date primary key check (day(month) = 1),
    fy           varchar not null
);
insert into fy_month
select m, cast(y as varchar) || '-' || lpad(cast((y + 1) % 100 as varchar), 2, '0')
from (select cast(m as date) as m, year(m) - (month(m) < 4)::integer as y
      from range(date '1900-01-01', date '2200-01-01', interval 1 month) as t(m));
