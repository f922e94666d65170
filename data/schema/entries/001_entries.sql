-- The entries store: what people enter, kept apart from the warehouse so no build can reach it.
-- Migration 1: imports with their figures, history and warning reasons; commentary; targets set; the
-- data version. Applied once, in one transaction, by libstats.db (the schema_version table says which).

-- Every import of a monthly return: who, when, which file (its checksum) and what it did.
create sequence import_id_seq start 1;
create table import_batch (
    import_id    integer primary key default nextval('import_id_seq'),
    imported_at  timestamp not null default current_timestamp,
    imported_by  varchar not null check (trim(imported_by) <> ''),
    file_name    varchar not null,
    checksum     varchar not null,
    rows_added   integer not null default 0,
    rows_changed integer not null default 0,
    rows_unchanged integer not null default 0,   -- figures in the file already stored with the same value
    file_shape   varchar,                        -- the layout the importer recognised, e.g. 'long'
    undone_at    timestamp,
    undone_by    varchar
);

-- The figures imports wrote that stand now: laid over the warehouse's by the monthly_figure view.
create table entered_figure (
    branch       varchar not null,               -- a branch of the warehouse (checked by the importer)
    month        date not null check (day(month) = 1),
    metric       varchar not null,
    value        double not null check (value >= 0),
    import_id    integer not null references import_batch (import_id),
    primary key (branch, month, metric)
);

-- What each import wrote, with the value it replaced, so nothing is lost and an import can be undone.
-- old_import_id null: the value replaced (if any) came from the warehouse, so undoing shows it again.
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

-- A year whose targets the head of service has set: they replace the seed's illustrative ones whole.
create table target_year (
    fy           varchar primary key,
    set_by       varchar not null check (trim(set_by) <> ''),
    set_at       timestamp not null
);

create table entered_target (
    fy           varchar not null references target_year (fy),
    metric       varchar not null,
    scope        varchar not null,
    value        double not null check (value >= 0),
    note         varchar,
    primary key (metric, scope, fy)
);

-- A counter that changes on every write, so cached query results can be keyed on it.
create table data_version (
    version      integer not null
);
insert into data_version values (1);
