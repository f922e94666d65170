"""A warehouse the size of every English library authority, for scale tests and benchmarks.

`build_national(path)` writes a database with the same schema as the real one (data/schema/warehouse.sql),
filled with modelled figures for the 135 English authorities and 2,839 service points of CIPFA's
2015-16 list (data/national/service_points.csv, extracted once from the reference by
`write_service_points`), plus a Digital library per authority:

- every monthly metric of the catalogue, April 2010 to March 2018, where the seed keeps it (the eleven
  branch metrics at every service point, AV and e-issues and website visits at each Digital
  library): about 3 million rows in monthly_figure;
- every day's visits at every service point in a table `daily_visits(branch, day, visits)` that only
  this build makes (about 8.3 million rows); a branch's monthly visits are the sum of its days;
- each authority's annual figures, population, illustrative targets and 2015-16 peer figures, and a
  few events (refurbishments, two of the shared service's own, one service-wide).

Nothing is published: every figure is 'modelled'. The shapes follow the seed generator (its trends,
seasons and ratios, tools/seedgen.py); a branch's size, mix and story (opened, closed, moved to
community management, shut for a refurbishment) come from a hash of the seed number and the branch,
so a build is deterministic for a given seed and DuckDB version. Every figure is made inside DuckDB
with set-based SQL: a build takes a few tens of seconds on two cores.

Names: an authority is a borough (its name as CIPFA writes it, e.g. 'Bexley', 'Kent'). A library
keeps its own name where no other English library has it, else the authority is added
('Central (Bexley)', 'Mobile (Kent)'); a name used twice inside one authority gets a number.
"""
from __future__ import annotations

import csv
import hashlib
import time
from pathlib import Path
from typing import Sequence

import duckdb
import pandas as pd

from libstats import DATA_DIR, SEED_DIR
from libstats.build import new_database
from tools import seedgen

NATIONAL_DIR = DATA_DIR / "national"
SERVICE_POINTS_FILE = NATIONAL_DIR / "service_points.csv"
DEFAULT_SEED = 20150401
SERVICE_POINT_COLUMNS = ["flas", "authority", "library_id", "library_name", "type", "weekly_hours", "statutory"]
OURS = ("Bexley", "Bromley")           # always in a smaller build, so the pages' defaults still apply
SOURCE = "modelled for the national scale test"
# CIPFA's library types -> the warehouse's branch types.
BRANCH_TYPES = {
    "Authority Run Library": "council-run",
    "Community Managed Co-Produced Library": "community",
    "Commissioned Community Co-Produced Library": "community",
    "Community Supported Co-Produced Library": "community",
}
# Relative visits by day of the week, Monday first (a Sunday is short or closed).
WEEKDAY = (1.00, 1.02, 0.92, 1.06, 1.00, 1.22, 0.38)
VISITS_PER_MONTH = 5200.0        # a branch of average busyness open 40 hours a week (seedgen's base)
ISSUES_PER_MONTH = 3900.0
BOOK_SHARES = (0.38, 0.20, 0.36, 0.06)
DIGITAL_ISSUES, DIGITAL_WEB = 2500.0, 21000.0    # a Digital library per 12 average branches
# Annual figures per unit of the year's visits (or as noted), shaped on Bexley's 2015-16 return.
ANNUAL_PER_VISIT = {
    "active_borrowers": 0.041, "staff_fte": 1 / 12400, "total_expenditure": 4.8,
}


def write_service_points(source: Path, dest: Path = SERVICE_POINTS_FILE) -> int:
    """Copy the English service points from CIPFA's 2015-16 list (the reference CSV) into a compact file.

    Run once by hand; the build reads only the compact file, never the reference folder.
    """
    rows = []
    with open(source, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if not r["flas"].startswith("E"):
                continue
            kind = "mobile" if r["type"] == "Mobile" else BRANCH_TYPES[r["library_type"]]
            rows.append([r["flas"], r["authority"], r["library_id"], r["library_name"].strip(), kind,
                         r["weekly_hours"], "true" if r["statutory"] == "Yes" else "false"])
    rows.sort(key=lambda r: (r[0], int(r[2].rsplit("_", 1)[1])))
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(SERVICE_POINT_COLUMNS)
        w.writerows(rows)
    return len(rows)


def _factors() -> pd.DataFrame:
    """The seed generator's national trend × season (with days and Easter) per metric and month."""
    frames = []
    for metric in (*seedgen.BRANCH_METRICS, *seedgen.DIGITAL_METRICS):
        trend_name = seedgen.METRIC_TREND[metric]
        trend = seedgen._trend(trend_name) if trend_name else 1.0
        season = seedgen._season(seedgen.METRIC_SEASON[metric], metric)
        frames.append(pd.DataFrame({"metric": metric, "month": seedgen.MONTHS, "factor": season * trend}))
    out = pd.concat(frames, ignore_index=True)
    out["month"] = pd.to_datetime(out["month"])
    return out


def _checksum(service_points: Path, seed: int, authorities, branches_per_authority) -> str:
    digest = hashlib.sha256()
    digest.update(service_points.read_bytes())
    digest.update((SEED_DIR / "metrics.csv").read_bytes())
    digest.update(repr((seed, authorities, branches_per_authority)).encode())
    return "national:" + digest.hexdigest()[:16]


# Each statement runs in order on one connection; $seed, $path, $authorities, $per_authority are bound.
# u(k…) is a uniform number in (0, 1) and z(k…) a standard normal one, both from a hash (Box-Muller),
# so every figure depends only on the seed and its keys, never on the order rows are made in.
_MACROS = """
create temp macro fy_of(d) as (select fy from fy_month where month = date_trunc('month', d));
create temp macro u(s, a, b, c) as ((hash(s, a, b, c) % 1000000) + 0.5) / 1000000.0;
create temp macro z(s, a, b, c) as sqrt(-2 * ln(u(s, a, b, c))) * cos(2 * pi() * u(s, a, b, c + 7919));
"""

_STEPS: list[tuple[str, str]] = [
    ("service points", """
create temp table sp as
with raw as (
    select flas, authority, library_id, library_name, type as branch_type,
           try_cast(weekly_hours as double) as hours, statutory::boolean as statutory,
           cast(split_part(library_id, '_', 2) as integer) as point
    from read_csv($path, header = true, all_varchar = true, quote = '"')
),
based as (
    select *,
           case when count(*) over (partition by library_name) = 1 then library_name
                else library_name || ' (' || authority || ')' end as base
    from raw
),
numbered as (
    select *, row_number() over (partition by base order by point) as dup from based
),
chosen_authorities as (
    select authority from (select distinct authority from raw)
    where list_contains($authorities, authority)
)
select n.flas, n.authority, n.library_id, n.library_name as short_name,
       n.base || case when n.dup > 1 then ' ' || n.dup else '' end as branch,
       n.branch_type, n.hours, n.statutory, n.point
from numbered n
join chosen_authorities using (authority)
qualify row_number() over (partition by n.authority order by n.point) <= $per_authority
"""),
    ("branch plan", """
create temp table plan as
with points as (
    select row_number() over (order by authority, point) as id, * from sp
),
digital as (
    select 100000 + row_number() over (order by authority) as id, flas, authority,
           null as library_id, 'Digital' as short_name, 'Digital (' || authority || ')' as branch,
           'digital' as branch_type, null::double as hours, false as statutory, 0 as point
    from (select distinct flas, authority from sp)
),
everything as (
    select * from points union all by name select * from digital
),
drawn as (
    select *,
           hash($seed, id, 3, 0) % 1000 as bucket,
           hash($seed, id, 4, 0) as pick,
           exp(0.55 * z($seed, id, 1, 0)) * 1.1 as busy_raw,
           0.33 * exp(0.25 * z($seed, id, 2, 0)) as pcs_per_hour
    from everything
)
select id, branch, authority as borough, short_name, branch_type, statutory, hours,
       case when branch_type = 'mobile' then busy_raw * 0.15 else busy_raw end as busy,
       case when branch_type = 'mobile' or branch_type = 'digital' then 0 else pcs_per_hour end as pcs_per_hour,
       -- the branch's story: at most one of these is set
       case when branch_type = 'council-run' and bucket between 25 and 39
            then (date '2011-04-01' + to_months(cast(pick % 57 as integer)))::date end as opened,
       case when (branch_type = 'council-run' and bucket < 25) or (branch_type = 'mobile' and bucket < 60)
            then last_day(date '2016-04-01' + to_months(cast(pick % 21 as integer))) end as closed,
       case when branch_type = 'community'
            then (date '2011-04-01' + to_months(cast(pick % 60 as integer)))::date end as transferred,
       case when branch_type = 'council-run' and bucket between 40 and 109
            then (date '2011-06-01' + to_months(cast(pick % 73 as integer)))::date end as refurbished,
       bucket between 40 and 59 as refurb_event,
       [exp(0.10 * z($seed, id, 5, 0)), exp(0.10 * z($seed, id, 6, 0)),
        exp(0.10 * z($seed, id, 7, 0)), exp(0.10 * z($seed, id, 8, 0))] as mix
from drawn
"""),
    ("borough", """
insert into borough (borough, flas_code, full_name)
select distinct authority, flas, authority || ' library authority' from sp order by authority
"""),
    ("branch", """
insert into branch (branch, borough, short_name, branch_type, statutory, opened, closed, reports_until, note)
select branch, borough, short_name, branch_type, statutory, opened, closed, closed,
       case when branch_type = 'digital' then borough || '''s AV and e-issues and website visits (modelled).'
            when closed is not null then 'Closed at the end of ' || strftime(closed, '%B %Y') || ' (modelled).'
            when opened is not null then 'Opened in ' || strftime(opened, '%B %Y') || ' (modelled).'
            when transferred is not null then 'Run by a community group since ' || strftime(transferred, '%B %Y') || ' (modelled).'
            when refurbished is not null then 'Closed for refurbishment from ' || strftime(refurbished, '%B %Y')
                 || ' for three months (modelled).'
       end
from plan
order by borough, branch
"""),
    ("branch_period", """
insert into branch_period (branch, valid_from, valid_to, branch_type, statutory, weekly_hours, provenance)
with periods as (
    -- every branch: from its opening (or April 2010) to its closing, as listed in 2016
    select branch, coalesce(opened, date '2010-04-01') as valid_from, closed as valid_to,
           branch_type, statutory, hours
    from plan where transferred is null and refurbished is null
    union all
    -- moved to community management: council-run, statutory and open longer before
    select branch, date '2010-04-01', (transferred - 1)::date, 'council-run', true, round(hours * 1.25 * 2) / 2
    from plan where transferred is not null
    union all
    select branch, transferred, null, branch_type, statutory, hours from plan where transferred is not null
    union all
    -- shut for three months' refurbishment
    select branch, date '2010-04-01', (refurbished - 1)::date, branch_type, statutory, hours
    from plan where refurbished is not null
    union all
    select branch, refurbished, (refurbished + interval 3 month - interval 1 day)::date, branch_type, statutory, 0
    from plan where refurbished is not null
    union all
    select branch, (refurbished + interval 3 month)::date, null, branch_type, statutory, hours
    from plan where refurbished is not null
)
select branch, valid_from, valid_to, branch_type, statutory, hours, 'modelled' from periods
order by branch, valid_from
"""),
    ("metric", """
insert into metric by name select * from read_csv($metrics_path, header = true, all_varchar = true, quote = '"')
"""),
    ("branch months", """
create temp table branch_month as
with months as (
    select cast(unnest(generate_series(date '2010-04-01', date '2018-03-01', interval 1 month)) as date) as month
),
grid as (
    select p.*, m.month,
           case when p.transferred is not null and m.month < p.transferred then round(p.hours * 1.25 * 2) / 2
                when p.refurbished is not null and m.month >= p.refurbished
                     and m.month < p.refurbished + interval 3 month then 0
                else p.hours end as hours_now,
           case when p.transferred is not null and m.month >= p.transferred then 0.88
                when p.refurbished is not null and m.month >= p.refurbished + interval 3 month then 1.08
                else 1.0 end as story
    from plan p cross join months m
    where m.month >= coalesce(p.opened, date '2010-04-01')
      and (p.closed is null or m.month <= p.closed)
)
select id, branch, borough, branch_type, month, hours_now, busy, pcs_per_hour, mix,
       busy * story * pow(coalesce(hours_now, 10) / 40.0, 0.4) as base,
       day(last_day(month)) as days
from grid
where hours_now is null or hours_now > 0
"""),
    ("digital size", """
create temp table digital_size as
select borough, month, sum(base) / 12.0 as size
from branch_month where branch_type <> 'digital'
group by borough, month
"""),
    ("daily visits", """
insert into daily_visits
with days as (
    select day, date_trunc('month', day)::date as month
    from (select cast(unnest(generate_series(date '2010-04-01', date '2018-03-31', interval 1 day)) as date) as day)
),
weekday(dow, weight) as (values {weekday})
select b.branch, d.day,
       cast(round($visits_per_month * b.base * f.factor / b.days * w.weight / {weekday_mean}
                  * exp(0.12 * z($seed, b.id, datediff('day', date '2010-04-01', d.day), 10))) as integer)
from branch_month b
join days d on d.month = b.month
join factors f on f.metric = 'visits' and f.month = b.month
join weekday w on w.dow = isodow(d.day)
where b.branch_type <> 'digital'
order by b.branch, d.day
"""),
    ("monthly figures", """
insert into monthly_figure (branch, month, metric, value, provenance)
with visits as (
    select branch, date_trunc('month', day)::date as month, sum(visits) as visits
    from daily_visits group by all
),
wide as (
    select b.branch, b.month, b.branch_type, v.visits,
           round({issues} * b.base * b.mix[1] * {share1} * f.issues_adult_fiction * exp({noise} * z($seed, b.id, month(b.month) + 12 * year(b.month), 21))) as issues_adult_fiction,
           round({issues} * b.base * b.mix[2] * {share2} * f.issues_adult_nonfiction * exp({noise} * z($seed, b.id, month(b.month) + 12 * year(b.month), 22))) as issues_adult_nonfiction,
           round({issues} * b.base * b.mix[3] * {share3} * f.issues_children_fiction * exp({noise} * z($seed, b.id, month(b.month) + 12 * year(b.month), 23))) as issues_children_fiction,
           round({issues} * b.base * b.mix[4] * {share4} * f.issues_children_nonfiction * exp({noise} * z($seed, b.id, month(b.month) + 12 * year(b.month), 24))) as issues_children_nonfiction,
           round(coalesce(b.hours_now, 0) * b.pcs_per_hour) * coalesce(b.hours_now, 0) * b.days / 7.0 * 0.92 as pc_available,
           {pc_utilisation} * f.pc_hours_used * exp({noise} * z($seed, b.id, month(b.month) + 12 * year(b.month), 25)) as pc_share,
           coalesce(b.hours_now, 10) * {events_per_hour} * f.events * exp({noise} * z($seed, b.id, month(b.month) + 12 * year(b.month), 26)) as events_raw,
           {attendance} * exp(0.08 * z($seed, b.id, month(b.month) + 12 * year(b.month), 27))
               * list_extract({children_season}, month(b.month)) as per_event,
           round($visits_per_month * b.base * {enquiries_per_visit} * f.enquiries * exp({noise} * z($seed, b.id, month(b.month) + 12 * year(b.month), 28))) as enquiries,
           {requests_per_issue} * exp(0.05 * z($seed, b.id, month(b.month) + 12 * year(b.month), 29)) as requests_rate,
           round({digital_issues} * s.size * f.issues_av_e * exp({noise} * z($seed, b.id, month(b.month) + 12 * year(b.month), 30))) as issues_av_e,
           round({digital_web} * s.size * f.website_visits * exp({noise} * z($seed, b.id, month(b.month) + 12 * year(b.month), 31))) as website_visits
    from branch_month b
    join factors_wide f using (month)
    left join visits v using (branch, month)
    left join digital_size s using (borough, month)
),
physical as (
    select branch, month, visits, issues_adult_fiction, issues_adult_nonfiction, issues_children_fiction,
           issues_children_nonfiction, round(pc_available) as pc_hours_available,
           round(least(pc_available * pc_share, pc_available * 0.85)) as pc_hours_used,
           round(events_raw) as events, round(round(events_raw) * per_event) as event_attendance, enquiries,
           round((issues_adult_fiction + issues_adult_nonfiction + issues_children_fiction
                  + issues_children_nonfiction) * requests_rate) as requests
    from wide where branch_type <> 'digital'
),
long as (
    unpivot physical on visits, issues_adult_fiction, issues_adult_nonfiction, issues_children_fiction,
        issues_children_nonfiction, pc_hours_available, pc_hours_used, events, event_attendance,
        enquiries, requests into name metric value value
    union all by name
    unpivot (select branch, month, issues_av_e, website_visits from wide where branch_type = 'digital')
        on issues_av_e, website_visits into name metric value value
)
select branch, month, metric, value, 'modelled' from long
order by metric, month, branch      -- stored in this order, a query for some metrics and years reads only their row groups
"""),
    ("annual figures", """
insert into annual_figure (borough, fy, metric, value, provenance)
with yearly as (
    select b.borough, fy_of(f.month) as fy,
           sum(f.value) filter (where f.metric = 'visits') as visits,
           sum(f.value) filter (where starts_with(f.metric, 'issues_') and f.metric <> 'issues_av_e') as issues,
           count(distinct f.branch) filter (where b.branch_type <> 'digital') as branches,
           max(hash(b.borough)) as h
    from monthly_figure f join branch b using (branch)
    group by all
),
pcs as (
    -- public PCs at 31 March: the PCs of the branches open in March
    select borough, fy_of(month) as fy, sum(round(hours_now * pcs_per_hour)) as pcs
    from branch_month where month(month) = 3 group by all
),
trend as (
    select *, cast(substr(fy, 1, 4) as integer) - 2010 as k from yearly left join pcs using (borough, fy)
),
wide as (
    select borough, fy,
           -- an authority's own level (key 0) and a little year-to-year noise (key k)
           round(visits * {borrowers_per_visit} * exp(0.15 * z($seed, h, 0, 41) + 0.03 * z($seed, h, k, 41)))
               as active_borrowers,
           coalesce(pcs, 0) as public_pcs,
           round(issues * 0.30 * exp(0.10 * z($seed, h, 0, 42)) * pow(0.95, k - 5)) as book_stock,
           round(issues * 0.05 * exp(0.15 * z($seed, h, 0, 43) + 0.05 * z($seed, h, k, 43))) as book_acquisitions,
           round(visits * {staff_per_visit} * exp(0.10 * z($seed, h, 0, 44) + 0.02 * z($seed, h, k, 44)), 1)
               as staff_fte,
           round(branches * 9 * pow(1.12, k) * exp(0.3 * z($seed, h, 0, 45))) as volunteers,
           round(branches * 9 * pow(1.12, k) * exp(0.3 * z($seed, h, 0, 45)) * 38) as volunteer_hours,
           round(visits * {spend_per_visit} * exp(0.15 * z($seed, h, 0, 46) + 0.03 * z($seed, h, k, 46)), -3)
               as total_expenditure,
           round(visits * {spend_per_visit} * exp(0.15 * z($seed, h, 0, 46) + 0.03 * z($seed, h, k, 46)) * 0.09, -3)
               as income,
           round(20000 + 100000 * u($seed, h, k, 47), -3) as external_funding
    from trend
),
long as (
    select * from wide
    unpivot (value for metric in (active_borrowers, public_pcs, book_stock, book_acquisitions, staff_fte,
                                  volunteers, volunteer_hours, total_expenditure, income, external_funding))
)
select borough, fy, metric, value, 'modelled' from long
union all
select borough, fy, 'net_expenditure', total_expenditure - income, 'modelled' from wide
order by 1, 2, 3
"""),
    ("population", """
insert into population (borough, fy, population, provenance, source)
with base as (
    select borough, sum(value) / (4.2 * exp(0.25 * z($seed, hash(borough), 0, 51))) as pop2015
    from monthly_figure f join branch b using (branch)
    where f.metric = 'visits' and f.month between date '2015-04-01' and date '2016-03-01'
    group by borough
),
years as (select unnest(range(2010, 2018)) as y)
select borough, cast(y as varchar) || '-' || lpad(cast((y + 1) % 100 as varchar), 2, '0'),
       cast(round(pop2015 * pow(1.008, y - 2015)) as integer), 'modelled', $source
from base cross join years
order by 1, 2
"""),
    ("targets", """
insert into target (metric, scope, fy, value, provenance, note)
with yearly as (
    select b.borough, fy_of(f.month) as fy,
           case when f.metric = 'visits' then 'visits' else 'book_issues' end as metric, sum(f.value) as value
    from monthly_figure f join branch b using (branch)
    where f.metric in ('visits', 'issues_adult_fiction', 'issues_adult_nonfiction',
                       'issues_children_fiction', 'issues_children_nonfiction')
    group by all
),
scoped as (
    select metric, borough as scope, fy, value from yearly
    union all
    select metric, 'Service', fy, sum(value) from yearly group by all
),
targets as (
    select metric, scope, cast(cast(substr(fy, 1, 4) as integer) + 1 as varchar) || '-'
               || lpad(cast((cast(substr(fy, 1, 4) as integer) + 2) % 100 as varchar), 2, '0') as fy,
           round(value * case metric when 'visits' then 0.97 else 0.96 end, -2) as value,
           'Illustrative: last year''s ' || replace(metric, '_', ' ') || ' less '
               || case metric when 'visits' then '3%' else '4%' end || ' (modelled).' as note
    from scoped where fy >= '2011-12'
    union all
    select 'active_borrowers', borough, cast(cast(substr(fy, 1, 4) as integer) + 1 as varchar) || '-'
               || lpad(cast((cast(substr(fy, 1, 4) as integer) + 2) % 100 as varchar), 2, '0'),
           round(value * 0.98, -2), 'Illustrative: last year''s active borrowers less 2% (modelled).'
    from annual_figure where metric = 'active_borrowers' and fy >= '2011-12'
    union all
    select 'pc_utilisation', scope, fy, 0.40, 'Illustrative: 40% of available PC hours used (modelled).'
    from (select distinct scope, fy from scoped where fy >= '2012-13')
)
select metric, scope, fy, value, 'illustrative', note from targets order by 1, 2, 3
"""),
    ("peer figures", """
insert into peer_figure (flas_code, authority, fy, metric, value, provenance, source)
with monthly as (
    select b.borough, case when starts_with(f.metric, 'issues_') and f.metric <> 'issues_av_e'
                           then 'book_issues' else f.metric end as metric, sum(f.value) as value
    from monthly_figure f join branch b using (branch)
    where f.month between date '2015-04-01' and date '2016-03-01'
      and f.metric in ('visits', 'issues_adult_fiction', 'issues_adult_nonfiction', 'issues_children_fiction',
                       'issues_children_nonfiction', 'pc_hours_used', 'pc_hours_available')
    group by all
),
figures as (
    select borough, metric, value from monthly
    union all
    select borough, metric, value from annual_figure where fy = '2015-16' and metric = 'net_expenditure'
    union all
    select borough, 'population', population from population where fy = '2015-16'
)
select o.flas_code, f.borough, '2015-16', f.metric, f.value, 'modelled', $source
from figures f join borough o using (borough)
order by 1, 4
"""),
    ("events", """
insert into event (event_id, event_date, date_precision, borough, branch, title, description, provenance, source)
with listed as (
    select date '2016-12-01' as event_date, 'month' as date_precision, null as borough, null as branch,
           'National library strategy published' as title,
           'A modelled service-wide event, so every scope has one.' as description, 0 as k
    union all
    select date '2012-11-01', 'month', borough, branch, 'New Crayford Library opens',
           'The shared service''s own event, kept so its pages have the same work to do (no modelled effect).', 1
    from branch where branch = 'Crayford'
    union all
    select date '2016-11-01', 'month', borough, branch, 'Historic Collections open in Bromley Central Library',
           'The shared service''s own event, kept so its pages have the same work to do (no modelled effect).', 2
    from branch where short_name = 'Central' and borough = 'Bromley'
    union all
    select (refurbished + interval 3 month)::date, 'month', borough, branch,
           short_name || ' reopens after refurbishment',
           short_name || ' reopens after three months closed for works; use is about 8% higher since (modelled).', 3
    from plan where refurb_event and refurbished is not null
)
select row_number() over (order by event_date, k, branch), event_date, date_precision, borough, branch, title,
       description, 'modelled', $source
from listed
"""),
]

# Only for scale tests, so not in data/schema/warehouse.sql. No key and no foreign key: DuckDB keeps an index
# for each, which for 8 million rows would be most of the file and most of the build.
_DAILY_TABLE = """
create table daily_visits (
    branch  varchar not null,
    day     date not null,
    visits  integer not null check (visits >= 0)
)
"""


def _sql(name: str, text: str) -> str:
    """A step's SQL with the model's constants written in (numbers from this module, never input)."""
    if name == "daily visits":
        weekday = ", ".join(f"({i + 1}, {w!r})" for i, w in enumerate(WEEKDAY))
        return text.format(weekday=weekday, weekday_mean=repr(sum(WEEKDAY) / 7))
    if name == "monthly figures":
        shares = [s / sum(BOOK_SHARES) for s in BOOK_SHARES]
        children = "[" + ", ".join(repr(v) for v in seedgen.SEASON["children"]) + "]"
        return text.format(
            issues=ISSUES_PER_MONTH, share1=shares[0], share2=shares[1], share3=shares[2], share4=shares[3],
            noise=seedgen.NOISE, pc_utilisation=seedgen.PC_UTILISATION,
            events_per_hour=seedgen.EVENTS_PER_WEEKLY_HOUR, attendance=seedgen.ATTENDANCE_PER_EVENT,
            children_season=children, enquiries_per_visit=seedgen.ENQUIRIES_PER_VISIT,
            requests_per_issue=seedgen.REQUESTS_PER_ISSUE, digital_issues=DIGITAL_ISSUES, digital_web=DIGITAL_WEB)
    if name == "annual figures":
        return text.format(borrowers_per_visit=ANNUAL_PER_VISIT["active_borrowers"],
                           staff_per_visit=ANNUAL_PER_VISIT["staff_fte"],
                           spend_per_visit=ANNUAL_PER_VISIT["total_expenditure"])
    return text


def _params(sql: str, values: dict) -> dict:
    """The bound values a statement names (DuckDB refuses values a statement does not use)."""
    return {k: v for k, v in values.items() if f"${k}" in sql}


TABLES = ("borough", "branch", "branch_period", "metric", "monthly_figure", "daily_visits", "annual_figure",
          "population", "target", "peer_figure", "event")
_COUNT_SQL = {t: "select count(*) from " + t for t in TABLES}


def build_national(db_path: Path, force: bool = False, seed: int = DEFAULT_SEED,
                   authorities: int | Sequence[str] | None = None, branches_per_authority: int | None = None,
                   service_points: Path = SERVICE_POINTS_FILE, threads: int | None = None) -> dict:
    """Build the national-scale warehouse at db_path; returns rows per table, seconds, bytes and step times.

    authorities: all (None), the first n (Bexley and Bromley first, then alphabetical), or a list of names;
    branches_per_authority: keep only each authority's first n service points. Both are for small test
    builds. Like build.build, it writes a temporary file and renames it into place.
    """
    if not Path(service_points).exists():
        raise FileNotFoundError(f"the national service point list {service_points} is missing")
    chosen = _choose_authorities(service_points, authorities)
    started = time.perf_counter()
    values = {"seed": int(seed), "path": str(service_points), "metrics_path": str(SEED_DIR / "metrics.csv"),
              "authorities": chosen, "per_authority": branches_per_authority or 1_000_000,
              "visits_per_month": VISITS_PER_MONTH, "source": SOURCE}
    steps: dict[str, float] = {}
    rows: dict[str, int] = {}
    checksum = _checksum(Path(service_points), seed, chosen, branches_per_authority)
    with new_database(db_path, force, scale="national", checksum=checksum) as con:
        if threads:
            con.execute("set threads = " + str(int(threads)))     # a setting takes no bound parameter
        con.execute(_DAILY_TABLE)
        con.execute(_MACROS)
        con.register("factors_frame", _factors())
        con.execute("create temp table factors as select metric, cast(month as date) as month, factor "
                    "from factors_frame")
        con.execute("create temp table factors_wide as pivot factors on metric using first(factor) group by month")
        con.unregister("factors_frame")
        for name, text in _STEPS:
            t0 = time.perf_counter()
            sql = _sql(name, text)
            try:
                con.execute(sql, _params(sql, values))
            except duckdb.Error as exc:
                raise RuntimeError(f"national build step {name!r} failed: {exc}") from exc
            steps[name] = time.perf_counter() - t0
        for table in TABLES:
            rows[table] = con.execute(_COUNT_SQL[table]).fetchone()[0]
        t0 = time.perf_counter()
    steps["commit"] = time.perf_counter() - t0               # the commit, checkpoint and rename
    db_path = Path(db_path)
    return {"path": db_path, "rows": rows, "seconds": time.perf_counter() - started,
            "bytes": db_path.stat().st_size, "steps": steps, "seed": seed}


def _choose_authorities(service_points: Path, authorities) -> list[str]:
    """The authorities a build covers (all of them for None)."""
    with open(service_points, newline="", encoding="utf-8") as f:
        names = sorted({r["authority"] for r in csv.DictReader(f)})
    if authorities is None:
        return names
    if isinstance(authorities, int):
        if authorities < 1:
            raise ValueError("a national build needs at least one authority")
        ordered = [n for n in OURS if n in names] + [n for n in names if n not in OURS]
        return ordered[:authorities]
    unknown = sorted(set(authorities) - set(names))
    if unknown:
        raise ValueError(f"no such authority in {service_points.name}: {', '.join(unknown)}")
    return list(authorities)
