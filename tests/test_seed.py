"""The seed: reproducible, exact to every published figure, and shaped like a real library service."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from libstats import SEED_DIR
from tools import seedgen

ROOT = Path(__file__).resolve().parent.parent
CIPFA = ROOT.parent / "shared" / "reference" / "cipfa"
BOOKS = "('issues_adult_fiction','issues_adult_nonfiction','issues_children_fiction','issues_children_nonfiction')"


@pytest.fixture(scope="module")
def con(seed_db):
    from libstats import db
    database = db.Database(seed_db, read_only=True)
    with database.cursor() as c:
        yield c
    database.close()


def total(con, borough, fy, metric, branch=None):
    """A year's total from the figures view (book_issues = the four categories)."""
    metrics = BOOKS if metric == "book_issues" else f"('{metric}')"
    return con.execute(
        "select sum(value) from figures where borough = $b and fy = $fy and metric in " + metrics
        + " and ($branch is null or branch = $branch)",
        {"b": borough, "fy": fy, "branch": branch},
    ).fetchone()[0]


def test_generator_reproduces_the_committed_csvs(tmp_path):
    tables = seedgen.generate(SEED_DIR)
    for name, rows in tables.items():
        seedgen.write_csv(tmp_path / name, seedgen.GENERATED[name], rows)
        assert (tmp_path / name).read_bytes() == (SEED_DIR / name).read_bytes(), \
            f"{name} differs from the generator's output: run `make seed` and commit"


def test_the_generators_event_effects_are_the_events_data():
    effects = seedgen.event_effects(seedgen.read_inputs(SEED_DIR).events, seedgen.read_inputs(SEED_DIR).branches)
    crayford = next(e for e in effects if e.branches == frozenset(["Crayford"]))
    assert [crayford.at("Crayford", "visits", dt.date(2012, m, 1)) for m in (10, 11, 12)] == [1.0, 1.60, 1.60]
    assert crayford.at("Crayford", "visits", dt.date(2013, 1, 1)) == 1.45
    assert crayford.at("Erith", "visits", dt.date(2013, 1, 1)) == 1.0
    lms = next(e for e in effects if e.branches is None)
    assert lms.at("Erith", "issues_adult_fiction", dt.date(2012, 10, 1)) == 0.93
    assert lms.at("Erith", "visits", dt.date(2012, 10, 1)) == 1.0
    assert lms.at("Erith", "issues_adult_fiction", dt.date(2012, 11, 1)) == 1.0


def published_rows():
    with open(SEED_DIR / "published_figures.csv", newline="") as f:
        return list(csv.DictReader(f))


# Published figures that are not figures of the warehouse: visits through the door of a shared building and the
# non-library visits deducted from them (test_bromleys_visits_honour_the_non_library_deduction checks them).
DEDUCTION_METRICS = ("door_count", "non_library_visits")


@pytest.mark.parametrize("row", [r for r in published_rows() if not r["branch"] and r["metric"] not in DEDUCTION_METRICS],
                         ids=lambda r: f"{r['borough']}-{r['fy']}-{r['metric']}")
def test_figures_view_reproduces_every_published_borough_total(con, row):
    assert total(con, row["borough"], row["fy"], row["metric"]) == float(row["value"])


def test_busiest_branches_honour_the_published_figures(con):
    assert total(con, "Bexley", "2015-16", "visits", "Central (Bexleyheath)") == 283505
    assert total(con, "Bexley", "2016-17", "visits", "Central (Bexleyheath)") == 307821
    assert total(con, "Bexley", "2015-16", "book_issues", "Central (Bexleyheath)") == 187737
    assert total(con, "Bexley", "2016-17", "book_issues", "Central (Bexleyheath)") == 191040
    assert total(con, "Bromley", "2015-16", "book_issues", "Central (Bromley)") == 248601
    # Published before Bromley's 30% deduction for non-library visits: 373,898 × 0.7.
    assert total(con, "Bromley", "2015-16", "visits", "Central (Bromley)") == round(373898 * 0.7)
    for borough, fy, central in (("Bexley", "2015-16", "Central (Bexleyheath)"),
                                 ("Bexley", "2016-17", "Central (Bexleyheath)"),
                                 ("Bromley", "2015-16", "Central (Bromley)")):
        for metric in ("visits", "book_issues"):
            metrics = BOOKS if metric == "book_issues" else "('visits')"
            busiest = con.execute(
                "select branch from figures where borough = $b and fy = $fy and metric in " + metrics
                + " group by branch order by sum(value) desc limit 1", {"b": borough, "fy": fy}).fetchone()[0]
            assert busiest == central, (borough, fy, metric)


# The published figures file was typed from the reference; check it against the CIPFA extracts.
CIPFA_FIELDS = {
    "visits": "visits", "book_issues": "book_issues_total",
    "issues_adult_fiction": "book_issues_adult_fiction", "issues_adult_nonfiction": "book_issues_adult_non_fiction",
    "issues_children_fiction": "book_issues_children_fiction",
    "issues_children_nonfiction": "book_issues_children_non_fiction",
    "issues_av_e": "av_issues_total", "active_borrowers": "active_borrowers", "requests": "requests",
    "enquiries": "enquiries", "website_visits": "website_visits", "public_pcs": "public_pcs",
    "pc_hours_available": "pc_hours_available", "pc_hours_used": "pc_hours_used",
    "book_stock": "book_stock_total", "book_acquisitions": "book_acquisitions_total",
    "staff_fte": "staff_fte_total", "volunteers": "volunteers", "volunteer_hours": "volunteer_hours",
    "total_expenditure": "revenue_expenditure_total", "income": "income_total",
    "net_expenditure": "net_expenditure", "non_library_visits": "visits_non_library",
}


def cipfa_values():
    values = {}
    with open(CIPFA / "authorities_2015_16_long.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["flas"] in ("E5032", "E5034"):
                values[("Bexley" if r["flas"] == "E5032" else "Bromley", "2015-16", r["field"])] = r["value"]
    with open(CIPFA / "bexley_2016_17.csv", newline="") as f:
        for r in csv.DictReader(f):
            values[("Bexley", "2016-17", r["field"])] = r["value"]
    return values


def test_published_figures_match_the_cipfa_returns():
    values = cipfa_values()
    checked = 0
    for row in published_rows():
        if row["branch"]:
            continue
        source = values[(row["borough"], row["fy"], CIPFA_FIELDS[row["metric"]])]
        assert float(source) == float(row["value"]), row
        checked += 1
    assert checked == 67       # 66 figures, and Bromley's non-library visits


def test_busiest_points_match_the_cipfa_returns():
    values = cipfa_values()
    visits, issues = "busiest_visits_service_point_visits", "busiest_issues_service_point_issues"
    assert float(values[("Bexley", "2015-16", visits)]) == 283504.5    # published tables round it up
    assert float(values[("Bexley", "2015-16", issues)]) == 187737
    assert float(values[("Bexley", "2016-17", visits)]) == 307821
    assert float(values[("Bexley", "2016-17", issues)]) == 191040
    assert float(values[("Bromley", "2015-16", visits)]) == 373898
    assert float(values[("Bromley", "2015-16", issues)]) == 248601
    assert values[("Bexley", "2015-16", "busiest_visits_service_point")] == "Bexleyheath Central"


def test_bromleys_visits_honour_the_non_library_deduction(con):
    """Bromley's 2015-16 return: 1,321,413 library visits after deducting 40% of Biggin Hill's door count and 30% of
    Central's as non-library visits, which it reports apart as 192,768; Central's door count is 373,898."""
    values = cipfa_values()
    assert float(values[("Bromley", "2015-16", "visits")]) == 1321413
    assert float(values[("Bromley", "2015-16", "visits_non_library")]) == 192768
    published = {(r["branch"], r["metric"]): float(r["value"]) for r in published_rows()
                 if r["borough"] == "Bromley" and r["fy"] == "2015-16"}
    assert published[("Central (Bromley)", "door_count")] == 373898
    assert published[("", "non_library_visits")] == 192768
    assert ("Central (Bromley)", "visits") not in published, "the door count is not the library visits"
    central, biggin = (total(con, "Bromley", "2015-16", "visits", b) for b in ("Central (Bromley)", "Biggin Hill"))
    assert central == 261729 == 373898 - round(373898 * 0.3)
    central_non_library = 373898 - central
    biggin_non_library = 192768 - central_non_library
    assert biggin_non_library == 80599
    biggin_door = round(biggin_non_library / 0.4)
    assert biggin_door == 201498 and round(biggin_door * 0.4) == biggin_non_library
    assert biggin == 120899 == biggin_door - biggin_non_library
    assert central_non_library + biggin_non_library == 192768
    assert total(con, "Bromley", "2015-16", "visits") == 1321413
    others = con.execute("select count(distinct branch), sum(value) from figures where borough = 'Bromley' and "
                         "fy = '2015-16' and metric = 'visits' and branch not in ('Central (Bromley)', 'Biggin Hill')"
                         ).fetchone()
    assert others == (12, 1321413 - 261729 - 120899)
    # The generator works it out the same way from the published figures.
    deduction = seedgen.visits_deduction(seedgen.Generator(seedgen.read_inputs(SEED_DIR)).published, "Bromley", "2015-16")
    assert deduction == {"Central (Bromley)": {"door_count": 373898, "non_library_visits": 112169, "visits": 261729},
                         "Biggin Hill": {"door_count": 201498, "non_library_visits": 80599, "visits": 120899}}
    # The years around keep Biggin Hill at its calibrated level: no jump into or out of the published year.
    biggin_years = yearly_branch(con, "Biggin Hill")
    assert 0.9 < biggin_years["2014-15"] / biggin_years["2015-16"] < 1.15
    assert 0.9 < biggin_years["2016-17"] / biggin_years["2015-16"] < 1.1


def test_a_door_count_and_the_library_visits_from_it_are_each_labelled(con):
    notes = dict(con.execute("select branch, note from branch where branch in ('Central (Bromley)', 'Biggin Hill')"
                             ).fetchall())
    assert "373,898 visits through the door (published" in notes["Central (Bromley)"]
    assert "261,729 library visits (derived)" in notes["Central (Bromley)"]
    assert "80,599 non-library visits (derived" in notes["Biggin Hill"]
    assert "120,899 library visits (derived)" in notes["Biggin Hill"]
    # The library visits are a modelled split of the published total, not themselves a printed figure.
    central = con.execute(
        "select grain_provenance(provenance_union(provenance), borough, branch, fy, metric, count(distinct month) = 12) "
        "from figures where branch = 'Central (Bromley)' and fy = '2015-16' and metric = 'visits' "
        "group by borough, branch, fy, metric").fetchone()[0]
    assert central == "split"
    bexley = con.execute(
        "select grain_provenance(provenance_union(provenance), borough, branch, fy, metric, count(distinct month) = 12) "
        "from figures where branch = 'Central (Bexleyheath)' and fy = '2015-16' and metric = 'visits' "
        "group by borough, branch, fy, metric").fetchone()[0]
    assert bexley == "published", "Bexley's busiest point is printed as library visits"


def test_every_month_of_every_year_is_there(con):
    months = con.execute("select count(distinct month), min(month), max(month) from monthly_figure").fetchone()
    assert months[0] == 96
    assert str(months[1]) == "2010-04-01" and str(months[2]) == "2018-03-01"
    assert con.execute("select count(distinct month) from monthly_figure where branch = 'Central (Bexleyheath)'"
                       " and metric = 'visits'").fetchone()[0] == 96


def test_provenance_says_which_years_are_published(con):
    rows = dict(con.execute(
        "select borough || ' ' || fy, string_agg(distinct provenance, ',') from figures "
        "where metric = 'visits' group by all").fetchall())
    # A branch-month of a published year is a split of the published total, not itself published.
    assert rows["Bexley 2015-16"] == "split"
    assert rows["Bexley 2016-17"] == "split"
    assert rows["Bromley 2015-16"] == "split"
    assert rows["Bromley 2016-17"] == "modelled"
    assert rows["Bexley 2012-13"] == "modelled"
    assert con.execute("select count(*) from figures where provenance = 'published' and branch is not null").fetchone()[0] == 0
    # Added up to the whole published total, at the borough's grain, the sum is published; a part of it is not.
    whole = dict(con.execute(
        "select borough || ' ' || fy, grain_provenance(provenance_union(provenance), borough, null, fy, metric, "
        "count(distinct month) = 12) from figures where metric = 'visits' and branch is not null group by borough, fy, metric").fetchall())
    assert (whole["Bexley 2015-16"], whole["Bexley 2016-17"], whole["Bromley 2015-16"]) == ("published",) * 3
    assert whole["Bromley 2016-17"] == "modelled"
    quarter = con.execute(
        "select grain_provenance(provenance_union(provenance), borough, null, fy, metric, count(distinct month) = 12) "
        "from figures where metric = 'visits' and borough = 'Bexley' and fy = '2015-16' and month < date '2015-07-01' "
        "group by borough, fy, metric").fetchone()[0]
    assert quarter == "split"
    # Nothing publishes events: they are modelled in every year.
    assert con.execute("select distinct provenance from figures where metric = 'events'").fetchall() == [("modelled",)]


def yearly(con, borough, metric):
    metrics = BOOKS if metric == "book_issues" else f"('{metric}')"
    return dict(con.execute("select fy, sum(value) from figures where borough = $b and metric in " + metrics
                            + " group by fy order by fy", {"b": borough}).fetchall())


def test_levels_and_trends_follow_the_reference(con):
    bex, bro = yearly(con, "Bexley", "visits"), yearly(con, "Bromley", "visits")
    assert 1_200_000 <= bex["2010-11"] <= 1_350_000
    assert 1_600_000 <= bro["2010-11"] <= 1_800_000
    assert 1_000_000 <= yearly(con, "Bexley", "book_issues")["2011-12"] <= 1_150_000
    assert 1_700_000 <= yearly(con, "Bromley", "book_issues")["2011-12"] <= 1_900_000
    for series in (bex, bro, yearly(con, "Bexley", "book_issues"), yearly(con, "Bromley", "book_issues")):
        years = sorted(series)
        assert all(series[a] > series[b] for a, b in zip(years, years[1:])), "the long decline"
    for borough in ("Bexley", "Bromley"):
        e = yearly(con, borough, "issues_av_e")
        years = sorted(e)
        assert all(e[a] < e[b] for a, b in zip(years, years[1:])), "rising e-issues"


def monthly(con, metric_sql, borough=None, branch=None):
    return con.execute(
        "select fy, month, sum(value) from figures where metric in " + metric_sql
        + " and branch is not null and ($borough is null or borough = $borough)"
        " and ($branch is null or branch = $branch) group by all order by month",
        {"borough": borough, "branch": branch}).fetchall()


def test_seasons_december_dip_and_summer_reading_peak(con):
    for borough in ("Bexley", "Bromley"):
        by_year = {}
        for fy, month, value in monthly(con, "('visits')", borough):
            by_year.setdefault(fy, {})[month.month] = value
        for fy, months in by_year.items():
            assert min(months, key=months.get) == 12, (borough, fy, "December is the quietest month")
        by_year = {}
        for fy, month, value in monthly(con, "('issues_children_fiction')", borough):
            by_year.setdefault(fy, {})[month.month] = value
        for fy, months in by_year.items():
            assert max(months, key=months.get) == 8, (borough, fy, "the summer reading peak")


def branch_months(con, branch):
    return {str(m) for (m,) in con.execute(
        "select distinct month from monthly_figure where branch = $b", {"b": branch}).fetchall()}


def test_the_events_shape_the_branches(con):
    crayford = branch_months(con, "Crayford")
    assert not {"2012-07-01", "2012-08-01", "2012-09-01", "2012-10-01"} & crayford, "closed for the rebuild"
    assert "2012-06-01" in crayford and "2012-11-01" in crayford
    cray = yearly_branch(con, "Crayford")
    assert cray["2013-14"] > cray["2011-12"] * 1.2, "the new Crayford library is bigger"
    thames = yearly_branch(con, "Thamesmead")
    assert thames["2014-15"] < thames["2012-13"] * 0.8, "the temporary building"
    assert max(branch_months(con, "Anerley")) == "2014-07-01"
    assert max(branch_months(con, "Mobile library (Bromley)")) == "2014-09-30"[:8] + "01"
    for b in ("Blackfen", "Bostall", "North Heath", "Upper Belvedere"):
        assert max(branch_months(con, b)) == "2016-03-01", f"{b} leaves the return in 2016-17"
    for b in ("Bexley Village", "Slade Green"):
        assert max(branch_months(con, b)) == "2018-03-01", f"{b} stays in the return"
    penge = yearly_branch(con, "Penge")
    assert penge["2015-16"] > penge["2013-14"], "Penge takes in Anerley"
    central = {m.strftime("%Y-%m"): v for _, m, v in monthly(con, "('visits')", branch="Central (Bromley)")}
    after = sum(central[f"2016-{m}"] for m in ("11", "12")) + sum(central[f"2017-0{m}"] for m in (1, 2, 3))
    before = sum(central[f"2015-{m}"] for m in ("11", "12")) + sum(central[f"2016-0{m}"] for m in (1, 2, 3))
    assert after > before, "the Historic Collections bring visitors"


def yearly_branch(con, branch):
    return dict(con.execute("select fy, sum(value) from figures where branch = $b and metric = 'visits' "
                            "group by fy", {"b": branch}).fetchall())


def test_cipfa_checks_hold_in_the_seed(con):
    over = con.execute(
        "select count(*) from monthly_figure u join monthly_figure a using (branch, month) "
        "where u.metric = 'pc_hours_used' and a.metric = 'pc_hours_available' and u.value > a.value").fetchone()[0]
    assert over == 0, "PC hours used never exceed hours available"
    bad = con.execute(
        "select count(*) from annual_figure t join annual_figure i using (borough, fy) "
        "join annual_figure n using (borough, fy) where t.metric = 'total_expenditure' and i.metric = 'income' "
        "and n.metric = 'net_expenditure' and abs(t.value - i.value - n.value) > 0.5").fetchone()[0]
    assert bad == 0, "net expenditure is spending less income"
    assert con.execute("select count(*) from monthly_figure where value <> round(value)").fetchone()[0] == 0


def test_targets_population_and_events_are_seeded(con):
    assert con.execute("select count(*) from population").fetchone()[0] == 16
    assert con.execute("select population from population where borough = 'Bromley' and fy = '2011-12'"
                       ).fetchone()[0] == 309392
    titles = [t for (t,) in con.execute("select title from event order by event_date").fetchall()]
    assert "New Crayford Library opens" in titles and "GLL takes over Bromley libraries" in titles
    assert con.execute("select count(*) from target where metric = 'visits' and scope = 'Bexley'"
                       ).fetchone()[0] == 7


def test_population_has_one_source_for_every_authority(con):
    with open(SEED_DIR / "peers.csv", newline="") as f:
        peers = [r for r in csv.DictReader(f) if r["metric"] == "population"]
    assert {r["source"] for r in peers} == {"approximate ONS mid-2015 estimate, rounded to the nearest thousand"}
    assert {r["authority"] for r in peers} >= {"Bexley", "Bromley", "Croydon", "Greenwich"}
    ours = {r["authority"]: float(r["value"]) for r in peers if r["authority"] in ("Bexley", "Bromley")}
    warehouse = dict(con.execute("select borough, population from population where fy = '2015-16'").fetchall())
    assert warehouse == ours == {"Bexley": 242000, "Bromley": 325000}
    rows = {(b, fy): (pop, p, src) for b, fy, pop, p, src in con.execute(
        "select borough, fy, population, provenance, source from population").fetchall()}
    assert rows["Bexley", "2016-17"][:2] == (244800, "published") and "ONS mid-2016 estimate" in rows["Bexley", "2016-17"][2]
    assert rows["Bromley", "2011-12"][:2] == (309392, "published") and "2011 census" in rows["Bromley", "2011-12"][2]
    assert rows["Bromley", "2015-16"][1] == "modelled" and "ONS mid-2015" in rows["Bromley", "2015-16"][2]
    published = {k for k, v in rows.items() if v[1] == "published"}
    assert published == {("Bexley", "2016-17"), ("Bromley", "2011-12")}, "only sourced figures are published"
    for borough in ("Bexley", "Bromley"):
        series = [rows[borough, fy][0] for fy in seedgen.FYS]
        assert all(a < b for a, b in zip(series, series[1:])), "a growing population, no jumps back"


def test_the_shared_services_dates_are_sourced(con):
    from libstats import charts, shared_service
    ends = {str(d): (t, s, p) for d, t, s, p in con.execute(
        "select event_date, title, source, provenance from event where kind = 'service'").fetchall()}
    assert ends["2012-01-01"][1] == "gov.uk case study"
    assert ends["2017-12-31"][1] == "gov.uk case study"
    assert ends["2017-03-31"][1] == "Bexley CIPFA 2016-17 return (comment)"
    assert {v[2] for k, v in ends.items() if k in ("2012-01-01", "2017-12-31", "2017-03-31")} == {"published"}
    comment = cipfa_values()[("Bexley", "2016-17", "comment_other")]
    assert "the Shared Service ended on 31st March 2017" in comment
    assert charts.SHARED_SERVICE == ("2012-01-01", "2017-12-31") and charts.SHARED_SERVICE_BEXLEY_END in ends
    # the shading's label names both ends and both sources, in two lines short enough for a 320 px screen
    assert charts.SHARED_SERVICE_LABEL == "Shared service, Jan 2012 – Dec 2017<br>(gov.uk; Bexley's return: to Mar 2017)"
    import pandas as pd
    net = pd.DataFrame({"borough": ["Bexley", "Bexley", "Bromley"], "fy": ["2016-17", "2017-18", "2017-18"],
                        "value": [3763350.0, 3700000.0, 6000000.0], "provenance": ["published", "modelled", "modelled"]})
    said = dict(zip(shared_service.savings_table(net, shared_service.SAVINGS)[["Borough", "Financial year"]].agg(" ".join, axis=1),
                    shared_service.savings_table(net, shared_service.SAVINGS)["Shared service that year"]))
    assert said["Bexley 2016-17"] == "All year (gov.uk case study)"
    assert said["Bromley 2017-18"] == "April to December 2017 (gov.uk case study: to 31 December 2017)"
    assert said["Bexley 2017-18"] == ("April to December 2017 (gov.uk case study: to 31 December 2017); Bexley's "
                                      "2016-17 CIPFA return says it ended on 31 March 2017, before this year")


def test_peer_figures_are_the_cipfa_returns():
    with open(CIPFA / "authorities_2015_16.csv", newline="") as f:
        cipfa = {r["flas"]: r for r in csv.DictReader(f)}
    fields = {"visits": "visits", "book_issues": "book_issues_total", "active_borrowers": "active_borrowers",
              "net_expenditure": "net_expenditure", "total_expenditure": "revenue_expenditure_total",
              "pc_hours_used": "pc_hours_used", "pc_hours_available": "pc_hours_available"}
    with open(SEED_DIR / "peers.csv", newline="") as f:
        peers = list(csv.DictReader(f))
    checked = 0
    for row in peers:
        if row["metric"] == "population":
            assert row["provenance"] == "modelled"
            continue
        assert round(float(cipfa[row["flas_code"]][fields[row["metric"]]]), 2) == float(row["value"]), row
        assert row["provenance"] == "published"
        checked += 1
    assert checked > 130
    assert {r["authority"] for r in peers} >= {"Croydon", "Havering", "Sutton", "Greenwich", "Lewisham", "Bexley", "Bromley"}
