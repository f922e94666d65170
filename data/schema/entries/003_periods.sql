-- Migration 3: figures at the grain they were counted (issue 18). A count over a period that is not one
-- calendar month (a quarter, a sampled week, a day) is kept as it was counted, with its start and end; how
-- a figure was counted (the returns' Count type) is kept beside every entered figure; annual figures
-- (active borrowers, stock, staff, finance) can be imported. Existing stores gain the new columns empty.

-- How a monthly figure was counted, as the return wrote it ('Automatic', 'Manual (one week every quarter)').
alter table entered_figure add column method varchar;
alter table figure_history add column old_method varchar;
alter table figure_history add column new_method varchar;

-- A count over a period other than one calendar month, stored once, at that grain.
-- grain 'months': the period is whole calendar months (a quarter, a year of a monthly measure): monthly
--   charts show it spread over its months (modelled), and a year total holding all of it gives it back.
-- grain 'sample': any other period (a sampled week, an 8-day window, a day): a sample, never summed into a
--   month or a year; grossed up only as a labelled estimate (libstats/periods.py states the rule).
create table entered_period (
    branch       varchar not null,
    metric       varchar not null,
    period_start date not null,
    period_end   date not null,
    grain        varchar not null check (grain in ('months', 'sample')),
    value        double not null check (value >= 0),
    method       varchar,
    import_id    integer not null references import_batch (import_id),
    check (period_end >= period_start),
    check (grain = 'sample' or (day(period_start) = 1 and period_end = last_day(period_end)
                                and date_trunc('month', period_start) < date_trunc('month', period_end))),
    primary key (branch, metric, period_start, period_end)
);

-- What each import wrote to entered_period, with what it replaced, so it can be undone (as figure_history).
create table period_history (
    import_id    integer not null references import_batch (import_id),
    branch       varchar not null,
    metric       varchar not null,
    period_start date not null,
    period_end   date not null,
    grain        varchar not null,
    old_value    double,                         -- null: the import added the period figure
    old_method   varchar,
    old_import_id integer,
    new_value    double not null,
    new_method   varchar,
    file_row     integer,
    primary key (import_id, branch, metric, period_start, period_end)
);

-- An annual figure of a borough imported (a CIPFA year's active borrowers, stock, staff, finance): laid
-- over the warehouse's annual figure of the same borough, year and metric by the annual_figure view.
create table entered_annual (
    borough      varchar not null,
    fy           varchar not null check (regexp_full_match(fy, '\d{4}-\d{2}')),
    metric       varchar not null,
    value        double not null check (value >= 0),
    import_id    integer not null references import_batch (import_id),
    primary key (borough, fy, metric)
);

create table annual_history (
    import_id    integer not null references import_batch (import_id),
    borough      varchar not null,
    fy           varchar not null,
    metric       varchar not null,
    old_value    double,                         -- null: the import added the figure
    old_provenance varchar,
    old_import_id integer,
    new_value    double not null,
    file_row     integer,
    primary key (import_id, borough, fy, metric)
);
