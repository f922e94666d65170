"""Year on year: like for like, non-additive measures, and every control of the page."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from libstats import SEED_DIR, db, yoy
from tests.test_pages import chart, table, tiles, values


@pytest.fixture(scope="module")
def measures(fixture_db, tmp_path_factory):
    # A copy: DuckDB will not open one file twice in a process with different settings, and the app opens it.
    copy = tmp_path_factory.mktemp("measures") / "copy.duckdb"
    shutil.copy(fixture_db, copy)
    d = db.Database(copy, read_only=True)
    try:
        return yoy.explorer_measures(d.run("metric_catalogue"))
    finally:
        d.close()


def test_like_for_like_leaves_out_branches_missing_from_either_year():
    months = pd.DataFrame([
        ("C", 12, 8),      # closed for four months of the year before
        ("B", 0, 12),      # left the return
    ], columns=["branch", "months_this", "months_last"])
    info = pd.DataFrame({"branch": ["A", "B", "C"], "note": [None, "Community-managed from 2016-17.", None]})
    excluded = yoy.left_out(months, info, "2016-17", "2015-16", 12)
    assert excluded.to_dict("records") == [
        {"Branch": "B", "Why it is left out": "No figures in 2016-17. Community-managed from 2016-17."},
        {"Branch": "C", "Why it is left out": "Figures for 8 of 12 months in 2015-16"},
    ]


def test_a_measure_is_worked_out_from_the_totals_of_its_parts(measures):
    """The comparisons' totals come from the query per metric; a ratio divides the totals of its parts (never a
    mean of ratios), and a year whose denominator is 0 has no figure rather than a division by zero."""
    totals = pd.DataFrame([
        ("2015-16", "pc_hours_used", 120.0), ("2015-16", "pc_hours_available", 300.0),
        ("2014-15", "pc_hours_used", 0.0), ("2014-15", "pc_hours_available", 0.0),
        ("2015-16", "issues_adult_fiction", 500.0), ("2015-16", "issues_adult_nonfiction", 200.0),
        ("2015-16", "issues_children_fiction", 250.0), ("2015-16", "issues_children_nonfiction", 50.0),
    ], columns=["fy", "metric", "value"])
    utilisation = yoy.measure_values(totals, measures["pc_utilisation"])
    assert utilisation["2015-16"] == 0.4 and pd.isna(utilisation["2014-15"])
    assert yoy.measure_values(totals, measures["book_issues"]) == {"2015-16": 1000.0}
    # children's issues are in the numerator and the denominator (all issues) both
    assert yoy.measure_values(totals, measures["children_share"]) == {"2015-16": 0.3}
    unequal = pd.DataFrame([("2015-16", "pc_hours_used", 90.0), ("2015-16", "pc_hours_available", 100.0),
                            ("2015-16", "pc_hours_used", 10.0), ("2015-16", "pc_hours_available", 900.0)],
                           columns=["fy", "metric", "value"])
    assert yoy.measure_values(unequal, measures["pc_utilisation"]) == {"2015-16": 0.1}     # not (90% + 1.1%) / 2


def test_a_ratio_is_worked_out_from_totals_never_summed(measures):
    rows = pd.DataFrame([
        ("X", "2015-16", "pc_hours_used", 120.0, "published"), ("X", "2015-16", "pc_hours_available", 300.0, "published"),
        ("Y", "2015-16", "pc_hours_used", 60.0, "published"), ("Y", "2015-16", "pc_hours_available", 300.0, "published"),
        ("Z", "2015-16", "pc_hours_used", 90.0, "modelled"), ("Z", "2015-16", "pc_hours_available", 300.0, "modelled"),
    ], columns=["branch", "fy", "metric", "value", "provenance"])
    total = yoy.combine(rows, measures["pc_utilisation"], ["fy"])
    assert total["value"].tolist() == [270 / 900]          # 30%, not 40% + 20% + 30%
    assert total["provenance"].tolist() == ["modelled,published"]


def test_active_borrowers_are_never_added_across_boroughs(measures):
    annual = pd.DataFrame([("Bexley", "2015-16", "active_borrowers", 5000.0, "published"),
                           ("Bromley", "2015-16", "active_borrowers", 6000.0, "published")],
                          columns=["borough", "fy", "metric", "value", "provenance"])
    view = yoy.annual_view(annual, measures["active_borrowers"], "2015-16", "2014-15")
    assert set(view.trend["series"]) == {"Bexley", "Bromley"}
    assert "does not add up" in view.explanation
    income = annual.assign(metric="income")
    view = yoy.annual_view(income, measures["income"], "2015-16", "2014-15")
    assert view.trend.loc[view.trend["series"] == "Whole service", "value"].tolist() == [11000.0]


def section(at, label):
    """Open one of the page's tabs (only the open one runs)."""
    at.session_state["yoy_section"] = label
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_page_on_the_fixture_bexley_visits(fixture_db, make_app):
    at = make_app(fixture_db, fy="2015-16", scope="Bexley")
    at.switch_page("pages/year_on_year.py").run()
    assert not at.exception and not at.error
    assert at.header[0].value == "Visits: Bexley, 2015-16, up 7.1% on 2014-15, like for like"
    shown = tiles(at)
    assert shown["As reported, 2015-16"] == ("18,000", "+7.1% on 2014-15")
    assert shown["Like for like, 2015-16"] == ("18,000", "+7.1% on 2014-15")
    assert shown["Target 2015-16"] == ("17,000", "+1,000 against target")
    assert any(c.value == "Met (illustrative target): 18,000 against 17,000, 1,000 to spare." for c in at.caption)
    monthly = chart(at, 0)
    assert len(at.get("plotly_chart")) == 1, "only the open tab, Month by month, is drawn"
    assert values(next(t for t in monthly["data"] if t["name"] == "2015-16")["y"]) == [1500] * 12
    at = section(at, "Across the years")
    assert [t["name"] for t in chart(at, 0)["data"]][:1] == ["Bexley"]
    at = section(at, "Branches")
    ranking = table(at, "Share of borough (%)")
    assert ranking["Branch"].tolist() == ["Central (Bexleyheath)", "Crayford"]
    assert ranking["2015-16"].tolist() == [12000, 6000]
    assert ranking["Change"].tolist() == [1200, 0]
    assert [round(v, 1) for v in ranking["Share of borough (%)"]] == [66.7, 33.3]
    assert [list(t) for t in ranking["Trend"]] == [[10800.0, 12000.0], [6000.0, 6000.0]]
    drivers = chart(at, 0)
    assert drivers["layout"]["title"]["text"] == "Biggest mover: Central (Bexleyheath) (+1,200 visits on 2014-15)"
    at = section(at, "In proportion")
    assert tiles(at)["Visits per 1,000 population"] == ("90.0", "+7.1% (84.0 before)")
    ratios = table(at, "Ratio").set_index("Ratio")
    assert ratios.loc["Issues per visit", "2015-16"] == "0.40"
    assert ratios.loc["PC utilisation", "2015-16"] == "36.0%"          # 180 / 500 hours, not the mean 45.0%
    assert ratios.loc["PC utilisation", "Change"] == "down 6.0 points on 2014-15"
    assert ratios.loc["PC utilisation", "Source"] == "part modelled"
    assert ratios.loc["Children's share of book issues", "2015-16"] == "50.0%"


def test_every_control_changes_what_is_shown(fixture_db, make_app):
    at = make_app(fixture_db, fy="2015-16", scope="Bexley")
    at.switch_page("pages/year_on_year.py").run()
    at.selectbox(key="yoy_measure").set_value("pc_utilisation").run()
    assert at.header[0].value == "PC utilisation: Bexley, 2015-16, down 6.0 points on 2014-15, like for like"
    at.selectbox(key="yoy_measure").set_value("visits").run()
    at.multiselect(key="yoy_branches").set_value(["Crayford"]).run()
    assert at.header[0].value == "Visits: Crayford, 2015-16, the same as 2014-15, like for like"
    # Per opening hour for chosen branches: 6,000 visits / (20 hours × 366 days / 7) in 2015-16.
    assert tiles(section(at, "In proportion"))["Visits per opening hour"][0] == f"{6000 / (20 * 366 / 7):,.1f}"
    at.toggle(key="yoy_like_for_like").set_value(False).run()
    assert at.header[0].value == "Visits: Crayford, 2015-16, the same as 2014-15"
    at.multiselect(key="yoy_branches").set_value([]).run()
    at.selectbox(key="yoy_measure").set_value("active_borrowers").run()
    assert at.header[0].value == "Active borrowers: Bexley, 2015-16, up 25.0% on 2014-15"
    assert at.multiselect(key="yoy_branches").disabled


def test_whole_service_active_borrowers_show_each_borough(fixture_db, make_app):
    at = make_app(fixture_db, fy="2015-16", scope="Whole service")
    at.switch_page("pages/year_on_year.py").run()
    at.selectbox(key="yoy_measure").set_value("active_borrowers").run()
    shown = tiles(at)
    assert shown == {"Bexley, 2015-16": ("5,000", "+25.0% on 2014-15"), "Bromley, 2015-16": ("6,000", "+0.0% on 2014-15")}
    assert any("does not add up across boroughs" in c.value for c in at.caption)
    names = [t["name"] for t in chart(at, 0)["data"]]
    assert "Whole service" not in names and {"Bexley", "Bromley"} <= set(names)


def test_bexley_2016_17_scope_change_is_not_read_as_a_decline(seed_db, make_app):
    at = make_app(seed_db, fy="2016-17", scope="Bexley")
    at.switch_page("pages/year_on_year.py").run()
    headline = at.header[0].value
    assert headline.startswith("Visits: Bexley, 2016-17, up ")
    assert headline.endswith("like for like (down 15.1% on 2015-16 as reported)")
    left_out = table(at, "Why it is left out")
    assert left_out["Branch"].tolist() == ["Blackfen", "Bostall", "North Heath", "Upper Belvedere"]
    assert all(r.startswith("No figures in 2016-17. Community-managed from 2016-17") for r in left_out["Why it is left out"])
    shown = tiles(at)
    assert shown["As reported, 2016-17"] == ("869,838", "-15.1% on 2015-16")
    # Like for like: 869,838 against the same eight branches' 2015-16 visits.
    seed = pd.read_csv(SEED_DIR / "monthly_figures.csv", parse_dates=["month"])
    bexley = pd.read_csv(SEED_DIR / "branches.csv").query("borough == 'Bexley'")["branch"]
    same_eight = seed[(seed["metric"] == "visits") & seed["branch"].isin(bexley)
                      & ~seed["branch"].isin(["Blackfen", "Bostall", "North Heath", "Upper Belvedere"])
                      & (seed["month"] >= "2015-04-01") & (seed["month"] <= "2016-03-01")]["value"].sum()
    assert shown["Like for like, 2016-17"] == ("869,838", f"{(869838 / same_eight - 1) * 100:+.1f}% on 2015-16")


def test_anerley_and_penge_are_one_unit_across_the_merger(seed_db, make_app):
    """Anerley's users moved to the new Penge library: like for like compares the two as one unit, not
    "Anerley out, Penge in" (which read -3.8% for Bromley, with Penge's +18.3% the merger itself)."""
    at = make_app(seed_db, fy="2014-15", scope="Bromley")
    at.switch_page("pages/year_on_year.py").run()
    left_out = table(at, "Why it is left out").set_index("Branch")
    assert list(left_out.index) == ["Mobile library (Bromley)"]
    assert at.header[0].value == \
        "Visits: Bromley, 2014-15, down 6.3% on 2013-14, like for like (down 7.9% on 2013-14 as reported)"
    # The unit's row opens the page of the branch still open, Penge (not a branch called "Penge (with Anerley)")
    at = section(at, "Branches")
    at.selectbox(key="yoy_open_branch").set_value("Penge (with Anerley)").run()
    link = at.get("page_link")[0].proto
    assert link.label == "Open Penge: 2014-15" and "branch=Penge&" in link.query_string + "&"


@pytest.fixture(scope="module")
def seed_run(seed_db, tmp_path_factory):
    copy = tmp_path_factory.mktemp("yoy_seed") / "library.duckdb"
    shutil.copy(seed_db, copy)
    d = db.Database(copy, read_only=True)
    yield d.run
    d.close()


def _visits(seed: pd.DataFrame, branches, fy_start: int) -> float:
    rows = seed[(seed["metric"] == "visits") & seed["branch"].isin(branches)
                & (seed["month"] >= f"{fy_start}-04-01") & (seed["month"] <= f"{fy_start + 1}-03-01")]
    return float(rows["value"].sum())


def test_a_merged_unit_is_counted_once_in_every_view_of_the_year(seed_run):
    """2014-15: Anerley closed into Penge. The like-for-like tile counts the unit, so the month-by-month chart
    beside it must too (it had asked for a branch named "Penge (with Anerley)", found none, and drew the
    months 118,481 visits short of the tile), and the ranking shows the unit with both branches' visits."""
    from libstats.content import year_on_year as page
    seed = pd.read_csv(SEED_DIR / "monthly_figures.csv", parse_dates=["month"])
    for like_for_like in (True, False):
        summary = page.summary(seed_run, "visits", "2014-15", "2013-14", None, "Whole service", (), like_for_like)
        shown, _ = page.monthly(seed_run, "visits", "2014-15", "2013-14", None, "Whole service", (), like_for_like)
        pair = summary.comparison.like_for_like if like_for_like else summary.comparison.reported
        months = shown.table
        assert months["2014-15"].sum() == pair[0] and months["2013-14"].sum() == pair[1]
    assert summary.comparison.reported[0] == _visits(seed, set(seed["branch"]), 2014)
    ranking, _ = page.ranking(seed_run, "visits", "2014-15", "2013-14", None, (), True)
    unit = ranking.set_index("Branch").loc["Penge (with Anerley)"]
    assert unit["2014-15"] == _visits(seed, ["Penge", "Anerley"], 2014)
    assert unit["Borough"] == "Bromley"
    assert not {"Penge", "Anerley"} & set(ranking["Branch"])


def test_a_branch_chosen_alone_shows_its_own_figures(seed_run):
    """Choosing Penge in 2014-15 showed no figures at all: the unit was made first and then filtered by the
    branch chosen, which it no longer matched. Chosen branches merge only with each other."""
    from libstats.content import year_on_year as page
    seed = pd.read_csv(SEED_DIR / "monthly_figures.csv", parse_dates=["month"])
    alone = page.summary(seed_run, "visits", "2014-15", "2013-14", None, "Whole service", ("Penge",), False)
    assert alone.comparison.reported == (_visits(seed, ["Penge"], 2014), _visits(seed, ["Penge"], 2013))
    assert alone.headline.startswith("Visits: Penge, 2014-15, ")
    both = page.summary(seed_run, "visits", "2014-15", "2013-14", None, "Whole service", ("Penge", "Anerley"), True)
    assert both.comparison.included == ["Penge (with Anerley)"]
    assert both.comparison.like_for_like == (_visits(seed, ["Penge", "Anerley"], 2014),
                                             _visits(seed, ["Penge", "Anerley"], 2013))


def test_each_figure_says_where_it_comes_from_at_its_grain(seed_run):
    """Bexley 2016-17: the borough's total is its published return (every branch, the whole year), but like for
    like adds up eight branches' modelled splits of it, and April to June alone is a split too. In 2015-16 the
    year's own figure is published though its change on modelled 2014-15 is part modelled, and the appraisal's
    headline marks each so."""
    from libstats.content import appraisal as appraisal_content
    from libstats.content import year_on_year as page
    tiles = page.summary(seed_run, "visits", "2016-17", "2015-16", "Bexley", "Bexley", (), True).tiles
    assert [t.caption for t in tiles] == ["✓ Published figure", "◐ Part modelled"]
    for months, expected in ((list(range(1, 13)), "published"), ([4, 5, 6], "split")):
        rows = seed_run("like_for_like", fy="2016-17", previous_fy="2015-16", metrics=["visits"], numerator=["visits"],
                        borough="Bexley", months=months, chosen=[])
        scope = rows.loc[(rows["grain"] == "scope") & (rows["fy"] == "2016-17"), "provenance"].tolist()
        totals = seed_run("year_totals", fys=["2016-17"], metrics=["visits"], borough="Bexley", months=months)
        assert scope == [expected] == totals["provenance"].tolist()
    earlier = page.summary(seed_run, "visits", "2015-16", "2014-15", "Bexley", "Bexley", (), True).comparison
    assert earlier.this_year_provenance == {"published"}
    assert earlier.reported_provenance == {"modelled", "published"}
    headline = appraisal_content.section(seed_run, "2015-16", "summary").tables[0].frame.set_index(["Scope", "Measure"])
    assert headline.loc[("Bexley", "Visits"), "2015-16"] == "1,024,069"                   # published: no mark
    assert headline.loc[("Bexley", "Visits"), "Change as reported"] == "-4.3%\u00a0◐"
