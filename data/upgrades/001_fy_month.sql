-- The fy_month calendar and the figures view that joins it. Applied after data/schema.sql by every build,
-- and to a warehouse built before it when that is opened for writing (libstats.db.upgrade).
--
-- The financial year of every month from 1900 to 2199, so the figures view joins to a year instead of
-- working it out for every row: a filter on fy then narrows the months before monthly_figure is read
-- (DuckDB pushes the join's month range into the scan), which matters at national scale.
create table fy_month (
    month        date primary key check (day(month) = 1),
    fy           varchar not null
);
insert into fy_month
select cast(m as date), fy_of(cast(m as date))
from range(date '1900-01-01', date '2200-01-01', interval 1 month) as t(m);

-- Every figure in one shape: what exports, checks and the board pack read.
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
