"""The returns libraries really send (issue 18), each imported through the command line and found at its grain:
quarters, sampled weeks and days, ISO 8601 periods with GSS codes, loans by Month with item types, one row
per event, annual figures. Every bad variant is refused with its row and column, changing nothing; an
import of a quarter is undone whole.

The files are tests/fixtures/returns/ (README there: the published example each is written from). The fixture
warehouse (tests/fixtures/README.md) has figures from April 2014 to March 2016, so these files' months are new.
"""
from __future__ import annotations

import getpass
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from libstats import cli, periods
from libstats.db import Database
from tests.conftest import account, shown

ROOT = Path(__file__).resolve().parent.parent
RETURNS = ROOT / "tests" / "fixtures" / "returns"
TABLES = ("import_batch", "entered_figure", "figure_history", "entered_period", "period_history", "entered_annual",
          "annual_history", "import_warning", "data_version")


@pytest.fixture
def db_path(fixture_db, tmp_path) -> Path:
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    account(path, getpass.getuser())
    account(path, "ann")
    return path


def run(*args: str):
    return CliRunner().invoke(cli.main, list(args))


def imported(db_path: Path, name: str, *extra: str):
    """Import a fixture through the command line (warnings accepted with a reason); the output must say so."""
    result = run("import", str(RETURNS / name), "--db", str(db_path), "--user", "ann",
                 "--accept-warnings", "checked against the branch's own records", *extra)
    assert result.exit_code == 0, result.output
    return result.output


def rows(db_path: Path, sql: str, **params) -> list[tuple]:
    database = Database(db_path, read_only=True)
    try:
        with database.cursor() as con:
            return con.execute(sql, params).fetchall()
    finally:
        database.close()


def snapshot(db_path: Path) -> dict[str, pd.DataFrame]:
    database = Database(db_path, read_only=True)
    try:
        with database.cursor() as con:
            # table names from the fixed tuple above, read from the entries store itself
            out = {t: con.execute("select * from entries." + t + " order by all").df() for t in TABLES}
            out["monthly_figure"] = con.execute("select * from monthly_figure order by all").df()
            return out
    finally:
        database.close()


def assert_same(before, after) -> None:
    for table in before:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)


def test_a_quarter_is_stored_once_as_a_quarter_and_spread_exactly_for_monthly_charts(db_path):
    output = imported(db_path, "visits_quarter.csv")
    assert "visits_quarter.csv: 2 figures added, 0 changed, 0 unchanged." in output
    assert rows(db_path, "select branch, metric, period_start, period_end, grain, value, method from entered_period "
                         "order by branch") == [
        ("Central (Bromley)", "visits", pd.Timestamp("2019-01-01").date(), pd.Timestamp("2019-03-31").date(), "months",
         6002.0, "Automatic"),
        ("Crayford", "visits", pd.Timestamp("2019-01-01").date(), pd.Timestamp("2019-03-31").date(), "months", 500.0,
         "Automatic")]
    assert rows(db_path, "select count(*) from entries.entered_figure") == [(0,)], "no invented months are stored"
    months = rows(db_path, "select month, value, provenance from monthly_figure where branch = 'Crayford' "
                           "and metric = 'visits' and month >= date '2019-01-01' order by month")
    assert sum(v for _, v, _ in months) == 500 and len(months) == 3
    assert [v for _, v, _ in months] == [172, 156, 172], "by days (31, 28, 31): 172.2, 155.6, 172.2, largest remainder"
    assert {p for *_, p in months} == {"spread"}
    assert rows(db_path, "select distinct method, period_start, period_end from figure_method "
                         "where branch = 'Crayford'") == [
        ("Automatic", pd.Timestamp("2019-01-01").date(), pd.Timestamp("2019-03-31").date())]


def test_undoing_a_quarter_import_restores_the_store(db_path):
    before = snapshot(db_path)
    imported(db_path, "visits_quarter.csv")
    assert snapshot(db_path)["entered_period"].shape[0] == 2
    result = run("undo-import", "1", "--db", str(db_path), "--user", "ann")
    assert result.exit_code == 0, result.output
    assert "0 figures restored to the earlier values, 2 added figures removed" in result.output
    after = snapshot(db_path)
    for table in ("entered_figure", "entered_period", "entered_annual", "monthly_figure"):
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)


def test_a_year_of_whole_quarters_gives_back_the_imported_total_labelled_imported(db_path, tmp_path):
    quarters = tmp_path / "crayford_2016_17_by_quarter.csv"
    quarters.write_text("Local authority,Library name,Count start,Count end,Count type,Visits\n"
                        "Bexley,Crayford,2016-04-01,2016-06-30,Automatic,1501\n"
                        "Bexley,Crayford,2016-07-01,2016-09-30,Automatic,1499\n"
                        "Bexley,Crayford,2016-10-01,2016-12-31,Automatic,1333\n"
                        "Bexley,Crayford,2017-01-01,2017-03-31,Automatic,1667\n", encoding="utf-8")
    result = run("import", str(quarters), "--db", str(db_path), "--user", "ann", "--accept-warnings", "checked")
    assert result.exit_code == 0, result.output
    database = Database(db_path, read_only=True)
    try:
        year = database.run("branch_year_totals", fys=["2016-17"], metrics=["visits"], borough="Bexley",
                            months=list(range(1, 13)))
        first_half = database.run("branch_year_totals", fys=["2016-17"], metrics=["visits"], borough="Bexley",
                                  months=[4, 5, 6, 7, 8, 9])
    finally:
        database.close()
    crayford = year[year["branch"] == "Crayford"].iloc[0]
    assert crayford["value"] == 1501 + 1499 + 1333 + 1667
    assert crayford["provenance"] == "imported"
    assert first_half[first_half["branch"] == "Crayford"].iloc[0]["value"] == 1501 + 1499


def test_a_sampled_week_is_kept_as_a_sample_and_never_in_a_month_or_a_year(db_path):
    imported(db_path, "visits_sampled_week.csv")
    assert rows(db_path, "select period_start, days, grain, method from sample_figure order by period_start") == [
        (pd.Timestamp("2019-02-11").date(), 7, "sample", "Manual (one week every quarter)"),
        (pd.Timestamp("2019-05-13").date(), 7, "sample", "Manual (one week every quarter)")]
    assert rows(db_path, "select count(*) from monthly_figure where branch = 'Crayford' and metric = 'visits' "
                         "and month >= date '2019-01-01'") == [(0,)]
    database = Database(db_path, read_only=True)
    try:
        totals = database.run("year_totals", fys=["2018-19", "2019-20"], metrics=["visits"], borough="Bexley",
                              months=list(range(1, 13)))
        samples = database.run("branch_samples", branch="Crayford")
    finally:
        database.close()
    assert totals.empty, "a sample is never summed into a year"
    assert list(samples["shown"]) == ["11 to 17 February 2019, sampled week", "13 to 19 May 2019, sampled week"]
    estimate = periods.gross_up(samples).set_index("fy")
    assert estimate.loc["2018-19", "value"] == 767 * 50 and estimate.loc["2018-19", "provenance"] == "modelled"


def test_overlapping_windows_and_a_single_day_are_samples_and_not_added(db_path):
    imported(db_path, "visits_overlapping_windows.csv")
    imported(db_path, "visits_single_day.csv")
    assert rows(db_path, "select branch, days, value from sample_figure order by branch, period_start") == [
        ("Central (Bromley)", 8, 1200.0), ("Central (Bromley)", 8, 1320.0), ("Crayford", 1, 140.0)]
    database = Database(db_path, read_only=True)
    try:
        estimate = periods.gross_up(database.run("branch_samples", branch="Central (Bromley)"))
    finally:
        database.close()
    assert list(estimate["value"]) == [round((1200 + 1320) / 2 * 7 / 8 * 50)], "averaged, not added"


def test_barnet_style_loans_by_quarter(db_path):
    imported(db_path, "loans_quarter.csv")
    assert rows(db_path, "select metric, value from entered_period order by metric") == [
        ("issues_adult_fiction", 37.0), ("issues_adult_nonfiction", 25.0)]


def test_activity_data_with_iso_periods_and_gss_codes(db_path):
    output = imported(db_path, "activity_iso.csv", "--metric", "visits")
    assert "3 figures added" in output
    assert rows(db_path, "select branch, period_start, period_end, value from entered_period order by branch") == [
        ("Central (Bexleyheath)", pd.Timestamp("2023-04-01").date(), pd.Timestamp("2023-06-30").date(), 201302.0),
        ("Central (Bromley)", pd.Timestamp("2022-04-01").date(), pd.Timestamp("2023-03-31").date(), 901440.0)]
    assert rows(db_path, "select branch, month, value from entries.entered_figure") == [
        ("Crayford", pd.Timestamp("2023-04-01").date(), 16650.0)], "a /P1M period is a monthly figure"
    year = rows(db_path, "select count(*), sum(value) from monthly_figure where branch = 'Central (Bromley)' "
                         "and metric = 'visits' and month between date '2022-04-01' and date '2023-03-01'")
    assert year == [(12, 901440.0)]


def test_activity_data_without_a_metric_says_which_is_needed(db_path):
    result = run("import", str(RETURNS / "activity_iso.csv"), "--db", str(db_path), "--user", "ann")
    assert result.exit_code == 1
    assert "no Metric column, so it holds a single measure: say which metric it is" in result.output
    assert "Traceback" not in result.output


def test_loans_by_month_map_item_types_and_name_the_ones_without_a_measure(db_path):
    output = imported(db_path, "loans_month_types.csv")
    assert rows(db_path, "select metric, value from entries.entered_figure order by metric") == [
        ("issues_adult_fiction", 412.0), ("issues_av_e", 31.0), ("issues_children_fiction", 388.0)]
    assert "Row 4 is “Teenage fiction” loans, which have no measure here" in output
    assert "Row 5 is “Adult reference” loans, which have no measure here" in output


def test_events_one_row_each_add_up_to_monthly_events_and_attendance(db_path):
    output = imported(db_path, "events.csv")
    assert rows(db_path, "select branch, month, metric, value, method from entries.entered_figure "
                         "order by branch, month, metric") == [
        ("Central (Bromley)", pd.Timestamp("2019-04-01").date(), "event_attendance", 40.0, "one row per event"),
        ("Central (Bromley)", pd.Timestamp("2019-04-01").date(), "events", 1.0, "one row per event"),
        ("Crayford", pd.Timestamp("2019-04-01").date(), "event_attendance", 43.0, "one row per event"),
        ("Crayford", pd.Timestamp("2019-04-01").date(), "events", 2.0, "one row per event"),
        ("Crayford", pd.Timestamp("2019-05-01").date(), "event_attendance", 12.0, "one row per event"),
        ("Crayford", pd.Timestamp("2019-05-01").date(), "events", 1.0, "one row per event")]
    assert ("Row 5: 1 outreach event (85 attendees) outside any branch; events are held by branch here, so it was "
            "not imported.") in output


def test_annual_figures_are_imported_for_a_borough_and_year_and_undone(db_path):
    before = snapshot(db_path)
    output = imported(db_path, "annual.csv")
    assert "4 figures added" in output
    assert rows(db_path, "select borough, fy, metric, value, provenance from annual_figure where fy = '2016-17' "
                         "order by borough, metric") == [
        ("Bexley", "2016-17", "active_borrowers", 41230.0, "imported"),
        ("Bexley", "2016-17", "volunteers", 393.0, "imported"),
        ("Bromley", "2016-17", "book_stock", 301122.0, "imported"),
        ("Bromley", "2016-17", "net_expenditure", 6166724.0, "imported")]
    result = run("undo-import", "1", "--db", str(db_path), "--user", "ann")
    assert result.exit_code == 0, result.output
    after = snapshot(db_path)
    pd.testing.assert_frame_equal(before["entered_annual"], after["entered_annual"])


def test_an_annual_figure_replacing_the_warehouses_is_a_change_and_undo_shows_the_warehouses_again(db_path, tmp_path):
    path = tmp_path / "bexley_2015_16.csv"
    path.write_text("Authority,Year,Metric,Value\nBexley,2015-16,active_borrowers,5100\n", encoding="utf-8")
    result = run("import", str(path), "--db", str(db_path), "--user", "ann",
                 "--accept-warnings", "x")
    assert result.exit_code == 0, result.output
    assert "0 figures added, 1 changed" in result.output
    assert rows(db_path, "select value, provenance from annual_figure where borough = 'Bexley' and fy = '2015-16' "
                         "and metric = 'active_borrowers'") == [(5100.0, "imported")]
    assert run("undo-import", "1", "--db", str(db_path), "--user", "ann").exit_code == 0
    assert rows(db_path, "select value, provenance from annual_figure where borough = 'Bexley' and fy = '2015-16' "
                         "and metric = 'active_borrowers'") == [(5000.0, "published")]


BAD = {
    "periods_problems.csv": [
        "Row 2, column “Count end”: The count ends (2019-01-01) before it starts (2019-03-31): is a date a typo?",
        "Row 3, column “Count end”: The date is missing: write dates as 2015-04-01 or 01/04/2015.",
        "Row 5, column “Count start”: Crayford, Visits for May to July 2019 (a quarter) overlaps row 4 (April to June "
        "2019 (a quarter)): a count over whole months is given once for each month.",
    ],
    "activity_iso_problems.csv": [
        "Row 3, column “Authority”: “E09000005” is not a borough of this service: use Bexley or Bromley.",
        "Row 4, column “Period”: “2023-04-01” is not a period: write periods as ISO 8601: a start date and a duration "
        "(2015-04-01/P3M for a quarter, /P1M a month, /P1Y a year, /P7D a week) or two dates (2015-04-01/2015-06-30).",
        "Row 5, column “Period”: The period 2023-04-01/P2Y is longer than a year: give one row per year at most.",
        "Row 6, column “Period”: “2023-13-01” (before the /) is not a date: write periods as ISO 8601: a start date "
        "and a duration (2015-04-01/P3M for a quarter, /P1M a month, /P1Y a year, /P7D a week) or two dates "
        "(2015-04-01/2015-06-30).",
        "Row 7, column “Count”: “lots” is not a number.",
    ],
    "annual_problems.csv": [
        "Row 2, column “Year”: “2016” is not a financial year: write it as 2016-17.",
        "Row 3, column “Metric”: Visits (visits) is a monthly measure, counted by branch: give it by branch and month "
        "(or quarter), not for a year.",
        "Row 4, column “Value”: 12.5 is not a whole number: Active borrowers must be a whole number.",
        "Row 5, column “Authority”: “Croydon” is not a borough of this service: use Bexley or Bromley.",
        "Row 7, column “Value”: Bexley, Active borrowers for 2016-17 is also on row 6: give each figure once.",
    ],
    "events_problems.csv": [
        "Row 2, column “Event date”: “31/04/2019” is not a date: write dates as 2015-04-01 or 01/04/2015.",
        "Row 3, column “Attendees”: “a dozen” is not a number of people: write a whole number, or leave it blank if "
        "no one counted.",
        "Row 4, column “Library name”: “Crayfrod” is not a branch we know. Did you mean Crayford?",
    ],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_variant_is_refused_with_its_row_and_column_changing_nothing(db_path, name):
    before = snapshot(db_path)
    result = run("import", str(RETURNS / name), "--db", str(db_path), "--user", "ann", "--metric", "visits")
    assert result.exit_code == 1, result.output
    listed = [line.strip()[len("Problem: "):] for line in result.output.splitlines()
              if line.strip().startswith("Problem: ")]
    assert listed == BAD[name]
    assert "Traceback" not in result.output
    assert_same(before, snapshot(db_path))


def test_a_month_inside_an_imported_quarter_and_a_quarter_over_an_imported_month_are_refused(db_path, tmp_path):
    imported(db_path, "visits_quarter.csv")
    month = tmp_path / "crayford_february_2019.csv"
    month.write_text("month,branch,metric,value\n2019-02,Crayford,visits,160\n", encoding="utf-8")
    result = run("import", str(month), "--db", str(db_path), "--user", "ann")
    assert result.exit_code == 1
    assert ("Row 2, column “month”: Crayford, Visits for February 2019 is inside the count for January to March 2019 "
            "(a quarter) imported by import 1: undo import 1 first, or give the whole period again.") in result.output
    april = tmp_path / "crayford_april_2019.csv"
    april.write_text("month,branch,metric,value\n2019-04,Crayford,visits,160\n", encoding="utf-8")
    assert run("import", str(april), "--db", str(db_path), "--user", "ann", "--accept-warnings", "x").exit_code == 0
    quarter = tmp_path / "crayford_q1_2019_20.csv"
    quarter.write_text("Local authority,Library name,Count start,Count end,Count type,Visits\n"
                       "Bexley,Crayford,2019-04-01,2019-06-30,Automatic,500\n", encoding="utf-8")
    result = run("import", str(quarter), "--db", str(db_path), "--user", "ann")
    assert result.exit_code == 1
    assert ("Row 2, column “Count start”: Crayford, Visits for April 2019 was imported on its own (import 2): a count "
            "for April to June 2019 (a quarter) over it would count that month twice. Undo import 2 first, or give "
            "the months one by one.") in result.output


def test_the_same_quarter_again_with_a_new_figure_is_a_change_and_undone_back(db_path, tmp_path):
    imported(db_path, "visits_quarter.csv")
    again = tmp_path / "visits_quarter_corrected.csv"
    again.write_text("Local authority,Library name,Count start,Count end,Count type,Visits\n"
                     "Bexley,Crayford,2019-01-01,2019-03-31,Automatic,530\n", encoding="utf-8")
    result = run("import", str(again), "--db", str(db_path), "--user", "ann", "--accept-warnings", "x")
    assert result.exit_code == 0, result.output
    assert "0 figures added, 1 changed" in result.output
    assert run("undo-import", "2", "--db", str(db_path), "--user", "ann").exit_code == 0
    assert rows(db_path, "select value, import_id from entered_period where branch = 'Crayford'") == [(500.0, 1)]


# ------------------------------------------------------------------------------------ warnings needing a reason

def warnings_of(db_path: Path, text: str, metric: str = "visits") -> dict[str, str]:
    from libstats import importer
    database = Database(db_path)
    try:
        parsed = importer.read_file("return.csv", text.encode(), metric=metric)
        plan = importer.validate(database, parsed, today=TODAY)
    finally:
        database.close()
    assert plan.ok, plan.problems
    return {w.key: str(w) for w in plan.warnings}


TODAY = pd.Timestamp("2026-03-15").date()


def test_a_quarter_entered_in_its_last_month_with_the_others_blank_needs_a_reason(db_path):
    found = warnings_of(db_path, "Library,2016-04,2016-05,2016-06,2016-07,2016-08,2016-09\nCrayford,,,1500,,,1510\n")
    assert found["blank_quarter:Crayford:2016-06:visits"] == (
        "Row 2, column “2016-06”: Crayford: Visits for June 2016 is 1,500, and April and May 2016 are blank: is it the "
        "quarter's total entered in its last month (Arts Council England's convention)? If so, give it as a quarter "
        "(Count start 2016-04-01, Count end 2016-06-30) and it is kept as one.")
    assert "blank_quarter:Crayford:2016-09:visits" in found
    # a month given beside it, or already stored, is not blank; one lone figure is no pattern: no warning
    assert not [k for k in warnings_of(db_path, "Library,2016-05,2016-06,2016-07,2016-08,2016-09\n"
                                                "Crayford,510,1500,,,1510\n") if k.startswith("blank_quarter")]
    assert not [k for k in warnings_of(db_path, "Library,2016-03\nCrayford,520\n") if k.startswith("blank_quarter")]
    assert not [k for k in warnings_of(db_path, "Library,2016-06\nCrayford,1500\n") if k.startswith("blank_quarter")]


def test_one_value_three_months_running_needs_a_reason_once(db_path):
    found = warnings_of(db_path, "Library,2016-04,2016-05,2016-06,2016-07\nCrayford,3683,3683,3683,3500\n")
    repeated = [k for k in found if k.startswith("repeated")]
    assert repeated == ["repeated:Crayford:2016-06:visits"], "one warning for the run, at its last month"
    assert found[repeated[0]].endswith("Crayford: Visits is 3,683 in April, May and June 2016: the same figure three "
                                       "months running. Is one count copied into each month (a quarterly sample)? "
                                       "If so, give it once, as counted.")


def test_a_series_identical_to_the_year_before_needs_a_reason(db_path):
    # Crayford's fixture months are 500 visits each: Central (Bexleyheath)'s 2015-16 1,000 a month
    found = warnings_of(db_path, "Library,2016-04,2016-05,2016-06\nCentral (Bexleyheath),1000,1000,1000\n")
    assert found["same_as_last_year:Central (Bexleyheath):2016-04:visits"].endswith(
        "Central (Bexleyheath): Visits for April to June 2016 are the same as a year before, month by month (3 months): "
        "is last year's return sent again?")
    differs = warnings_of(db_path, "Library,2016-04,2016-05,2016-06\nCentral (Bexleyheath),1000,1000,1001\n")
    assert not [k for k in differs if k.startswith("same_as_last_year")]
    assert [k for k in differs if k.startswith("repeated")] == ["repeated:Central (Bexleyheath):2016-05:visits"], \
        "March (stored), April and May (the file's) are 1,000"
    lone = warnings_of(db_path, "Library,2016-04\nCentral (Bexleyheath),1000\n")
    assert not [k for k in lone if k.startswith("repeated")], "February and March are stored: one month of the file"
    run = warnings_of(db_path, "Library,2016-05,2016-06,2016-07\nCentral (Bexleyheath),1200,1200,1200\n")
    assert [k for k in run if k.startswith("repeated")] == ["repeated:Central (Bexleyheath):2016-07:visits"]


def test_the_command_line_refuses_a_return_checks_warning_without_a_reason(db_path, tmp_path):
    path = tmp_path / "ace.csv"
    path.write_text("Library,2016-04,2016-05,2016-06,2016-07,2016-08,2016-09\nCrayford,,,1500,,,1490\n",
                    encoding="utf-8")
    result = run("import", str(path), "--db", str(db_path), "--user", "ann", "--metric", "visits")
    assert result.exit_code == 1
    assert "Warning [blank_quarter:Crayford:2016-06:visits]" in result.output


# ------------------------------------------------------------------------------------------ the branch page

def test_the_branch_page_says_how_each_month_was_counted_and_shows_a_sample_as_a_sample(db_path, tmp_path, make_app):
    returns = tmp_path / "crayford_2016_17.csv"
    returns.write_text("Local authority,Library name,Count start,Count end,Count type,Visits\n"
                       "Bexley,Crayford,2016-04-01,2016-06-30,Automatic,1500\n"
                       "Bexley,Crayford,2016-07-01,2016-07-31,Manual,520\n"
                       "Bexley,Crayford,2016-10-10,2016-10-16,Manual (one week every quarter),130\n", encoding="utf-8")
    result = run("import", str(returns), "--db", str(db_path), "--user", "ann", "--accept-warnings", "checked")
    assert result.exit_code == 0, result.output
    at = make_app(db_path, fy="2016-17", scope="Bexley", branch="Crayford")
    at.switch_page("pages/branches.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    said = [shown(m.value) for m in at.markdown]
    assert "**How the figures were counted**" in said
    assert ("Visits: counted by an automatic counter: one count for April to June 2016 (a quarter), spread over "
            "its months (modelled).") in said
    assert "Visits: counted by hand: 1 month (July 2016)." in said
    sample = next(s for s in said if s.startswith("Visits: 10 to 16 October 2016, sampled week of 130"))
    assert "A sample is in no month or year here; as a year it would be about 6,500" in sample


def test_what_an_import_changed_names_its_quarters_samples_and_years(db_path):
    from libstats import import_words, importer
    imported(db_path, "visits_quarter.csv")
    imported(db_path, "visits_single_day.csv")
    imported(db_path, "annual.csv")
    database = Database(db_path, read_only=True)
    try:
        quarter = import_words.changes(importer.changes_of(database, 1))
        day = import_words.changes(importer.changes_of(database, 2))
        year = import_words.changes(importer.changes_of(database, 3))
    finally:
        database.close()
    assert list(quarter["Month"]) == ["1 Jan 2019 to 31 Mar 2019", "1 Jan 2019 to 31 Mar 2019"]
    assert list(quarter["Value imported"]) == [500.0, 6002.0]
    assert list(day["Month"]) == ["15 Jun 2019 to 15 Jun 2019 (sample)"]
    assert set(year["Month"]) == {"the year 2016-17"} and set(year["Branch"]) == {"—"}


def test_a_quarter_is_drawn_as_one_bar_over_its_months_not_a_line_through_invented_months(db_path, tmp_path):
    from libstats.content import branches as branch_content

    returns = tmp_path / "crayford_q1.csv"
    returns.write_text("Local authority,Library name,Count start,Count end,Count type,Visits\n"
                       "Bexley,Crayford,2016-04-01,2016-06-30,Automatic,1500\n"
                       "Bexley,Crayford,2016-07-01,2016-07-31,Manual,520\n", encoding="utf-8")
    result = run("import", str(returns), "--db", str(db_path), "--user", "ann", "--accept-warnings", "checked")
    assert result.exit_code == 0, result.output
    database = Database(db_path, read_only=True)
    try:
        shown = branch_content.month_by_month(database.run, "Crayford", "2016-17", "2015-16", "visits").chart
    finally:
        database.close()
    line = next(t for t in shown.figure.data if t.name == "2016-17")
    assert list(line.y[:3]) == [None, None, None]         # April to June: no invented months on the line
    assert line.y[3] == 520                                # July, counted on its own, is on it
    last_year = next(t for t in shown.figure.data if t.name == "2015-16")
    assert all(v is not None for v in last_year.y[:3])     # last year's months are untouched
    (bar,) = [s for s in shown.figure.layout.shapes if s.type == "rect"]
    assert (bar.x0, bar.x1, bar.y0, bar.y1) == (-0.4, 2.4, 0, 500)     # Apr..Jun at the monthly average
    assert bar.line.dash == "solid"                        # this year's dash, not colour alone
    labels = [t.text[0] for t in shown.figure.data if t.mode == "text"]
    assert labels == ["1,500 in one count<br>Apr–Jun 2016-17"]
    assert ("April to June 2016 was counted as one figure of 1,500, drawn as one bar over its months at its "
            "monthly average") in shown.summary
    # the numbers behind the chart still give the months, as the modelled spread they are
    assert shown.table is not None and not shown.table.empty
