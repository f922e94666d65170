-- Brings a warehouse built before the fy_month calendar up to data/schema.sql (applied by libstats.db
-- when it opens a writable database without the table; a fresh build has it already).
create table fy_month (
    month        date primary key check (day(month) = 1),
    fy           varchar not null
);
insert into fy_month
select cast(m as date), fy_of(cast(m as date))
from range(date '1900-01-01', date '2200-01-01', interval 1 month) as t(m);

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
