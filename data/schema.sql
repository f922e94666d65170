-- The statistics warehouse of the Bexley and Bromley shared library service.
-- Built by `python -m libstats build` from this file, data/upgrades/ and the CSVs in data/seed/.
-- Provenance of a figure: 'published' (part of an official CIPFA return: the borough's annual
-- total is exact; a monthly or branch split of it is modelled), 'modelled' (an estimate made by
-- the seed generator) or 'imported' (from a monthly return loaded through the importer).

create table borough (
    borough      varchar primary key,            -- 'Bexley', 'Bromley'
    flas_code    varchar not null unique,        -- CIPFA authority code (E5032, E5034)
    full_name    varchar not null
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

-- Every import of a monthly return (the importer issue fills in the details).
create sequence import_id_seq start 1;
create table import_batch (
    import_id    integer primary key default nextval('import_id_seq'),
    imported_at  timestamp not null default current_timestamp,
    imported_by  varchar not null,
    file_name    varchar not null,
    checksum     varchar not null,
    rows_added   integer not null default 0,
    rows_changed integer not null default 0,
    undone_at    timestamp,
    rows_unchanged integer not null default 0,   -- figures in the file already in the warehouse
    file_shape   varchar,                        -- the layout the importer recognised, e.g. 'long'
    undone_by    varchar
);

-- What each import wrote, with the value it replaced, so nothing is lost and an import can be undone.
create table figure_history (
    import_id    integer not null references import_batch (import_id),
    branch       varchar not null,
    month        date not null,
    metric       varchar not null,
    old_value    double,                         -- null: the import added the figure
    old_provenance varchar,
    old_import_id integer,                       -- the import the replaced value came from, if any
    new_value    double not null,
    file_row     integer,                        -- the row of the file, as a spreadsheet numbers it
    primary key (import_id, branch, month, metric)
);

-- The plausibility warnings (CIPFA's checks) an import went ahead with, and the reason given for each.
create table import_warning (
    import_id    integer not null references import_batch (import_id),
    warning_key  varchar not null,               -- stable, e.g. 'yoy:Crayford:2015-06:visits'
    check_name   varchar not null,
    branch       varchar not null,
    month        date not null,
    metric       varchar not null,
    message      varchar not null,
    reason       varchar not null check (trim(reason) <> ''),
    primary key (import_id, warning_key)
);

-- Monthly figures per branch per metric.
create table monthly_figure (
    branch       varchar not null references branch (branch),
    month        date not null check (day(month) = 1),
    metric       varchar not null references metric (metric),
    value        double not null check (value >= 0),
    provenance   varchar not null check (provenance in ('published', 'modelled', 'imported')),
    import_id    integer references import_batch (import_id),
    primary key (branch, month, metric),
    check ((provenance = 'imported') = (import_id is not null))
);

-- Annual figures per borough per metric (active borrowers, finance, staff, volunteers, stock).
create table annual_figure (
    borough      varchar not null references borough (borough),
    fy           varchar not null check (regexp_full_match(fy, '\d{4}-\d{2}')),
    metric       varchar not null references metric (metric),
    value        double not null,
    provenance   varchar not null check (provenance in ('published', 'modelled', 'imported')),
    import_id    integer references import_batch (import_id),
    primary key (borough, fy, metric),
    check ((provenance = 'imported') = (import_id is not null))
);

-- The published figures as printed in the returns (the reference the seed must reproduce).
-- branch null: the borough's total; a branch: the busiest service point's figure.
create table published_figure (
    borough      varchar not null references borough (borough),
    branch       varchar references branch (branch),
    fy           varchar not null,
    metric       varchar not null,               -- a metric code, or 'book_issues' (the four categories)
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

-- Service-plan targets. scope: 'Service', a borough name, or a branch name. provenance 'set': set
-- by the head of service in the dashboard (set_by, set_at say who and when).
create table target (
    metric       varchar not null,               -- a metric code or a derived KPI code
    scope        varchar not null,
    fy           varchar not null,
    value        double not null check (value >= 0),
    provenance   varchar not null check (provenance in ('published', 'modelled', 'set')),
    note         varchar,
    set_by       varchar,
    set_at       timestamp,
    primary key (metric, scope, fy)
);

-- The head of service's commentary on each section of a year's appraisal, shown as plain text.
create table commentary (
    fy           varchar not null,
    section      varchar not null check (section in ('summary', 'what_happened', 'performance',
                                                      'value_for_money', 'next_year')),
    body         varchar not null,
    written_by   varchar not null check (trim(written_by) <> ''),
    written_at   timestamp not null,
    primary key (fy, section)
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
    source       varchar
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

-- A counter that changes on every write, so cached query results can be keyed on it.
create table data_version (
    version      integer not null,
    built_at     timestamp not null,
    seed_checksum varchar not null
);

create macro fy_of(d) as
    cast(year(d) - (month(d) < 4)::integer as varchar) || '-'
    || lpad(cast((year(d) - (month(d) < 4)::integer + 1) % 100 as varchar), 2, '0');

create macro fy_first_month(fy) as make_date(cast(substr(fy, 1, 4) as integer), 4, 1);

-- Built after this file, from data/upgrades/ in order (libstats.db.UPGRADES): the fy_month calendar and
-- the figures view that joins it (every figure in one shape: what exports, checks and the board pack
-- read), and the provenance_union aggregate macro. A warehouse built before one of them gets it when it
-- is opened for writing, so each is written down once.
