"""The branch page: profile, months, standing, completeness and downloads, on the fixture."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from libstats import branch, ui
from tests.test_pages import chart, table, values


def open_branch(make_app, db, **params):
    at = make_app(db, **params)
    at.switch_page("pages/branches.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def test_a_link_opens_the_branch_with_its_profile(fixture_db, make_app):
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bexley", branch="Crayford")
    assert at.selectbox(key="branch").value == "Crayford"
    assert at.title[0].value == "Crayford: 2015-16"
    assert at.markdown[0].value == ("**Borough:** Bexley · **Type:** council-run · **Statutory:** yes · "
                                    "**In the return until:** still reporting")
    hours = table(at, "Weekly hours")
    assert hours.to_dict("records") == [{"From": "01 Apr 2014", "To": "now", "Type": "council-run",
                                         "Statutory": "yes", "Weekly hours": "20", "Source": "published"}]
    assert table(at, "Event")["Event"].tolist() == ["Fixture: Crayford refit"]
    assert at.query_params["branch"] == "Crayford"


def test_months_against_last_year_and_every_measure(fixture_db, make_app):
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bexley", branch="Central (Bexleyheath)")
    spec = chart(at)
    assert spec["layout"]["title"]["text"] == "Visits up 11.1% on 2014-15 (12,000 in 2015-16)"
    assert values(next(t for t in spec["data"] if t["name"] == "2014-15")["y"]) == [900] * 12
    grid = table(at, "Apr").set_index("Measure")
    assert list(grid.index[:2]) == ["Visits", "Adult fiction issues"]
    assert grid.loc["Visits", "Apr"] == 1000 and grid.loc["Visits", "2015-16"] == 12000
    assert grid.loc["Visits", "2014-15"] == 10800 and grid.loc["Visits", "Change (%)"] == 11.1
    assert grid.loc["PC hours used", "2015-16"] == 1440
    at.selectbox(key="branch_measure").set_value("pc_hours_used").run()
    assert chart(at)["layout"]["title"]["text"] == "PC hours used down 20.0% on 2014-15 (1,440 in 2015-16)"


def test_where_the_branch_stands(fixture_db, make_app):
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bexley", branch="Crayford")
    standing = table(at, "Rank in the service").set_index("Measure")
    assert standing.loc["Visits", "This branch"] == "6,000"
    assert standing.loc["Visits", "Rank in Bexley"] == "2 of 2"
    assert standing.loc["Visits", "Rank in the service"] == "3 of 3"
    assert standing.loc["Visits", "Per opening hour"] == f"{6000 / (20 * 366 / 7):.1f}"
    assert standing.loc["Book issues", "This branch"] == "2,400"
    assert standing.loc["Book issues", "Rank in the service"] == "3 of 3"
    # Crayford's 2015-16 months are modelled, its hours published: the rank and rate are part modelled
    assert standing.loc["Visits", "Source"] == "◐ part modelled"
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bromley", branch="Central (Bromley)")
    standing = table(at, "Rank in the service").set_index("Measure")
    assert standing.loc["Visits", "Source"] == "◐ part modelled", "a split of the published total, not published"


def test_completeness_and_downloads(fixture_db, make_app):
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bexley", branch="Crayford")
    assert any(m.value == "No month is missing: every month Crayford was due to report has figures."
               for m in at.markdown)
    assert any(m.value == "No figure of 2015-16 fails a data-quality check." for m in at.markdown)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[-2:] == ["Download every figure (CSV)", "Download every figure (Excel)"]
    at.session_state[ui.numbers_key("branch_chart")] = True        # open "The numbers behind this chart"
    at.run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download these numbers (CSV)") == 1, "the chart's numbers download too"


def test_the_numbers_behind_the_chart_are_built_only_when_opened(fixture_db, make_app):
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bexley", branch="Central (Bexleyheath)")
    assert [e.label for e in at.expander][0] == "The numbers behind this chart (table)"
    assert not at.expander[0].children, "a closed expander sends no table"
    assert "Download these numbers (CSV)" not in [b.proto.label for b in at.get("download_button")]
    # the chart keeps its accessible name and its sentence while the table is closed
    assert at.get("plotly_chart")[0].proto.alt.startswith("Central (Bexleyheath) in 2015-16: visits were")
    at.session_state[ui.numbers_key("branch_chart")] = True
    at.run()
    assert not at.exception
    numbers = at.expander[0].dataframe[0].value
    row = numbers.set_index("Month").loc["Apr"]
    assert row["2015-16"] == 1000 and row["2014-15"] == 900
    assert "Download these numbers (CSV)" in [b.proto.label for b in at.get("download_button")]
    at.session_state[ui.numbers_key("branch_chart")] = False       # closed again: gone again
    at.run()
    assert not at.expander[0].children


def test_switching_branch_from_the_picker(fixture_db, make_app):
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bromley")
    assert at.selectbox(key="branch").value == "Central (Bromley)", "the first branch of the scope"
    assert at.selectbox(key="branch").options == ["Bromley · Central (Bromley)"], "the scope's branches only"
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Whole service")
    assert at.selectbox(key="branch").options == ["Bexley · Central (Bexleyheath)", "Bexley · Crayford", "Bexley · Digital (Bexley)",
                                                  "Bromley · Central (Bromley)"], "both boroughs', grouped"
    at.selectbox(key="branch").set_value("Crayford").run()
    assert at.title[0].value == "Crayford: 2015-16"
    assert at.query_params["branch"] == "Crayford"


def test_a_link_to_a_branch_of_the_other_borough_still_opens_it(fixture_db, make_app):
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bromley", branch="Crayford")
    assert at.title[0].value == "Crayford: 2015-16"
    assert at.selectbox(key="branch").options == ["Bromley · Central (Bromley)", "Bexley · Crayford"]


def test_completeness_tells_missing_from_not_due():
    expected = [dt.date(2015, m, 1) for m in (4, 5, 6)]
    figures = pd.DataFrame({"month": [pd.Timestamp(2015, 4, 1)], "fy": ["2015-16"], "metric": ["visits"],
                            "value": [1.0], "provenance": ["imported"]})
    grid, missing = branch.completeness(expected, figures, "2015-16")
    assert missing == ["May 2015", "Jun 2015"]
    assert grid["Status"].tolist()[:4] == ["Present", "Missing", "Missing", "Not due (closed or not in the return)"]
    assert grid.loc[0, "Source"] == "imported"


def test_crayford_closure_months_are_not_due(seed_db, make_app):
    at = open_branch(make_app, seed_db, fy="2012-13", scope="Bexley", branch="Crayford")
    grid = table(at, "Measures with figures").set_index("Month")
    assert grid.loc["Aug 2012", "Status"] == "Not due (closed or not in the return)"
    assert grid.loc["Nov 2012", "Status"] == "Present"
    flags = table(at, "Check")
    assert set(flags["Status"]) == {"explained"}, "the reopening explains the jump on last year"
    assert all(r.startswith("Event: ") and "Crayford Library" in r for r in flags["Reason"])
    spec = chart(at)
    this_year = values(next(t for t in spec["data"] if t["name"] == "2012-13")["y"])
    assert this_year[3:7] == [None] * 4, "the closure is a gap in the line"


def test_a_link_to_no_branch_says_so_and_branch_names_ignore_case(fixture_db, make_app):
    from tests.conftest import shown
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bexley", branch="Nowhere")
    assert [shown(i.value) for i in at.info] == ["No branch called “Nowhere”: showing Central (Bexleyheath)."]
    assert at.selectbox(key="branch").value == "Central (Bexleyheath)"
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bexley", branch="crayford")
    assert at.selectbox(key="branch").value == "Crayford" and not at.info
    at = open_branch(make_app, fixture_db, fy="2015-16", scope="Bexley", branch="[sign in](http://evil.example)")
    assert ui.plain("[sign in](http://evil.example)") in at.info[0].value, "the URL's text is shown as text"


def test_a_link_to_no_year_or_scope_says_what_it_opened(fixture_db, make_app):
    from tests.conftest import shown
    at = make_app(fixture_db, fy="1999-00", scope="Mars")
    notes = [shown(i.value) for i in at.info]
    assert "No financial year called “1999-00”: showing 2015-16." in notes, notes
    assert "No scope called “Mars”: showing Whole service." in notes, notes
    at = make_app(fixture_db, fy="2015-16", scope="bexley")
    assert at.radio(key="scope").value == "Bexley" and not [i for i in at.info if "No scope" in i.value]


def test_a_part_year_is_compared_with_the_same_months(fixture_db, make_app, tmp_path):
    """One month of 2016-17 imported: the table sets it beside April 2015, not beside all of 2015-16
    (the old table read -90.0% for a month 20% up), and its columns say what they add up."""
    import shutil

    from libstats import db, importer
    path = tmp_path / "fixture.duckdb"
    shutil.copy(fixture_db, path)
    content = b"month,branch,metric,value\n2016-04,Crayford,visits,600\n"
    database = db.Database(path)
    parsed = importer.read_file("april.csv", content)
    plan = importer.validate(database, parsed)
    assert plan.ok and not plan.warnings, (plan.problems, plan.warnings)
    from tests.conftest import account
    importer.apply(database, plan, {}, account(database, "lib", "librarian", ["Bexley"]), "april.csv", parsed.checksum)
    database.close()
    at = open_branch(make_app, path, fy="2016-17", scope="Bexley", branch="Crayford")
    grid = table(at, "Apr").set_index("Measure")
    assert grid.loc["Visits", "2016-17 to date"] == 600
    assert grid.loc["Visits", "2015-16, same months"] == 500
    assert grid.loc["Visits", "Change (%)"] == 20.0
    assert grid.loc["Visits", "Source"] == "part modelled"      # April 2016 imported, April 2015 modelled
    assert chart(at)["layout"]["title"]["text"].startswith("Visits up 20.0% on 2015-16")
