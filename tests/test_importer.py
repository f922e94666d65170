"""The importer of monthly returns: every accepted layout, every rejection, the warnings, writing, undoing, the CLI.

The fixture warehouse (tests/fixtures/README.md) has figures from April 2014 to March 2016; every month of
a year has the same figure (Crayford: 500 visits, 50 of each book category, 300 PC hours available, 60
used, 10 events). Files in tests/fixtures/imports/ mostly give figures for April and May 2016, new months.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from libstats import auth, cli, importer
from libstats.db import Database
from tests.conftest import account

# Who imports in these tests: administrators (who may import anything and undo anyone's import); the login
# name is one too, for the command line's default --user. tests/test_auth.py tests the roles themselves.
as_user = auth.Actor.command_line
ACCOUNTS = ("ann", "bob", "killed")

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = ROOT / "tests" / "fixtures" / "imports"
TODAY = dt.date(2026, 3, 15)          # "this month" for the future-month check
THREE_FIGURES = [("Central (Bromley)", "2016-04", "visits", 2100.0),
                 ("Crayford", "2016-04", "visits", 510.0),
                 ("Crayford", "2016-05", "visits", 520.0)]


@pytest.fixture
def db_path(fixture_db, tmp_path) -> Path:
    """A private copy of the fixture warehouse to write to."""
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    for name in (*ACCOUNTS, getpass.getuser()):
        account(path, name)
    return path


@pytest.fixture
def database(db_path):
    d = Database(db_path)
    yield d
    d.close()


def check(database, name: str, content: bytes | None = None, metric: str | None = None) -> importer.Plan:
    """Read and validate a file (a fixture by name, or the bytes given)."""
    content = (IMPORTS / name).read_bytes() if content is None else content
    return importer.validate(database, importer.read_file(name, content, metric=metric), today=TODAY)


def figures_of(frame: pd.DataFrame) -> list[tuple]:
    return sorted((r.branch, r.month.strftime("%Y-%m"), r.metric, r.new_value) for r in frame.itertuples())


SNAPSHOT_TABLES = ("figures", "import_batch", "entered_figure", "figure_history", "import_warning", "data_version")


def snapshot(path: Path) -> dict[str, pd.DataFrame]:
    """Everything an import may touch in both stores, sorted."""
    database = Database(path, read_only=True)
    try:
        with database.cursor() as con:
            # Table names from the fixed tuple above, never from input; entered_figure is read from its store.
            return {table: con.execute("select * from " + ("entries." if table == "entered_figure" else "")
                                       + table + " order by all").df() for table in SNAPSHOT_TABLES}
    finally:
        database.close()


def assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    for table in before:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)


@contextlib.contextmanager
def reading(path: Path):
    """A cursor on both stores as the dashboard lays them out, for checking what was written."""
    d = Database(path, read_only=True)
    try:
        with d.cursor() as cur:
            yield cur
    finally:
        d.close()


@contextlib.contextmanager
def opened(path: Path):
    d = Database(path)
    try:
        yield d
    finally:
        d.close()


def stored(database, branch: str, month: str, metric: str):
    """(value, provenance, import_id) of one stored figure, or None."""
    rows = database.run("import_figures", branches=[branch], metrics=[metric])
    rows = rows[rows["month"] == pd.Timestamp(month + "-01")]
    if rows.empty:
        return None
    r = rows.iloc[0]
    return r.value, r.provenance, None if pd.isna(r.import_id) else int(r.import_id)


# ------------------------------------------------------------------------------------------ accepted layouts

@pytest.mark.parametrize("name,shape,metric", [
    ("long.csv", "long", None),
    ("wide_by_metric.csv", "wide_by_metric", None),
    ("wide_by_month.csv", "wide_by_month", "visits"),
    ("library_data_visits.csv", "library_data_visits", None),          # dd/mm/yyyy dates, CRLF lines
    ("library_data_visits_camel.csv", "library_data_visits", None),    # camelCase headers, ISO dates
])
def test_every_layout_reads_the_same_three_figures(database, name, shape, metric):
    plan = check(database, name, metric=metric)
    assert plan.problems == [] and plan.warnings == []
    assert importer.read_file(name, (IMPORTS / name).read_bytes(), metric=metric).shape == shape
    assert figures_of(plan.added) == THREE_FIGURES
    assert plan.changed.empty and plan.unchanged.empty
    assert plan.summary() == f"{name}: 3 figures to add, 0 to change, 0 unchanged."


def test_the_shape_comes_from_the_header_not_the_file_name(database):
    content = (IMPORTS / "wide_by_metric.csv").read_bytes()
    parsed = importer.read_file("long_format.xlsx", content)
    assert parsed.shape == "wide_by_metric"


LONG_FILES = {
    "plain": "month,borough,branch,metric,value\n2016-04,Bexley,Crayford,visits,520\n2016-04,,bexleyheath,visits,990\n",
    "titles, blank rows and a total": ("Monthly return\n,,,,\nmonth,borough,branch,metric,value\n"
                                      "2016-04,Bexley,Crayford,visits,520\n,,,,\n  ,, ,,\n2016-05,Bexley,Crayford,visits,..\n"
                                      "Total,,,,520\n,,,,\nSource,,,,CIPFA\n"),
    "quotes, a line break in a cell, semicolons": ('month;borough;branch;metric;value\r\n2016-04;"Bex\r\nley";"Crayford";'
                                                   'visits;"1,520"\r\n2016-05;;Crayford;visits; 7 \r\n'),
    "header with spaces, no borough": "Month , Library Name ,Metric,Value\n 2016-04 , Crayford , visits , 520 \n",
}


@pytest.mark.parametrize("name", list(LONG_FILES))
def test_a_long_csv_read_column_by_column_is_what_the_cell_by_cell_reader_gives(name, monkeypatch):
    content = LONG_FILES[name].encode()
    assert importer._read_long_csv(content) is not None          # the quick path takes it
    quick = importer.read_file(name, content)
    monkeypatch.setattr(importer, "_read_long_csv", lambda content: None)
    careful = importer.read_file(name, content)
    assert (quick.shape, quick.header_row, quick.notes) == (careful.shape, careful.header_row, careful.notes)
    pd.testing.assert_frame_equal(quick.records.astype(object), careful.records.astype(object))


@pytest.mark.parametrize("content", [
    b"month,borough,branch,metric,value\n2016-04,Bexley,Crayford,visits,520\n\n2016-05,Bexley,Crayford,visits,1\n",
    b"month,borough,branch,metric,value\n2016-04,Bexley,Crayford,visits,1,520\n",          # a row too long
    b"month,borough,branch,metric,value\n2016-04,Bexley,Crayford,visits,520\nNotes: estimated\n",   # too short
])
def test_an_irregular_long_csv_is_read_cell_by_cell(content):
    assert importer._read_long_csv(content) is None
    assert importer.read_file("f.csv", content).shape == "long"


def test_loans_types_map_to_the_book_categories_and_e_issues(database):
    plan = check(database, "library_data_loans.csv")
    assert plan.problems == []
    assert figures_of(plan.added) == [
        ("Crayford", "2016-04", "issues_adult_fiction", 51.0),
        ("Crayford", "2016-04", "issues_adult_nonfiction", 52.0),
        ("Crayford", "2016-04", "issues_children_fiction", 53.0),      # "Fiction - Child"
        ("Crayford", "2016-04", "issues_children_nonfiction", 54.0),   # "Junior non-fiction"
        ("Digital (Bexley)", "2016-04", "issues_av_e", 155.0),         # "Digital" is Bexley's, by the borough
    ]


def test_wide_by_month_blank_is_no_data_not_zero(database):
    plan = check(database, "wide_by_month.csv", metric="visits")
    months = {(r.branch, r.month.strftime("%Y-%m")) for r in plan.added.itertuples()}
    assert ("Crayford", "2016-06") not in months and ("Central (Bromley)", "2016-05") not in months
    assert plan.notes == ["The “Total” column was ignored: totals are worked out from the months.",
                          "3 blank cells were skipped: blank means no figure, not zero."]


def test_wide_by_month_needs_the_metric(database):
    with pytest.raises(importer.FileNotUnderstood) as caught:
        importer.read_file("wide_by_month.csv", (IMPORTS / "wide_by_month.csv").read_bytes())
    assert str(caught.value) == ("wide_by_month.csv has one column per month, so it holds a single measure: say "
                                 "which metric it is (for example visits) and load it again.")


def test_an_unknown_metric_given_for_a_wide_by_month_file(database):
    plan = check(database, "wide_by_month.csv", metric="vistis")
    assert [str(p) for p in plan.problems] == [
        "The metric given for this file: “vistis” is not a metric we know. Did you mean visits?"]


def workbook(rows: list[list], title_rows: list[str], footer: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Monthly return"
    for title in title_rows:
        ws.append([title])
    for row in rows + [[]] + footer:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_title_rows_above_and_totals_and_notes_below(database):
    content = workbook(
        rows=[["month", "branch", "visits"],
              [dt.datetime(2016, 4, 1), "Crayford", 510],         # a real date cell, as Excel stores "2016-04"
              ["2016-05", "Crayford", 520.0],                     # 520.0 is the whole number 520
              ["2016-04", "Central (Bromley)", 2100]],
        title_rows=["Bexley and Bromley Libraries: monthly return", "April and May 2016"],
        footer=[["Total", None, 3130], ["Notes: the Crayford counter was replaced in May."]],
    )
    parsed = importer.read_file("return.xlsx", content)
    assert (parsed.shape, parsed.header_row, parsed.sheet) == ("wide_by_metric", 3, "Monthly return")
    assert parsed.notes == ["Rows 8 to 9 (totals or notes below the data) were ignored."]
    plan = importer.validate(database, parsed, today=TODAY)
    assert plan.problems == []
    assert figures_of(plan.added) == THREE_FIGURES


def test_xlsx_problems_name_the_row_a_person_sees_in_excel(database):
    content = workbook(rows=[["Library", "2016-04", "2016-05"], ["Craiford", 510, 520], ["Crayford", 510, 52.5]],
                       title_rows=["Visits", ""], footer=[["Total", 1020, 572.5]])
    plan = check(database, "visits.xlsx", content, metric="visits")
    assert [str(p) for p in plan.problems] == [
        "Row 4, column “Library”: “Craiford” is not a branch we know. Did you mean Crayford?",
        "Row 5, column “2016-05”: 52.5 is not a whole number: Visits must be whole numbers "
        "(only hours may have fractions).",
    ]


def test_library_data_loans_from_an_xlsx_with_dd_mm_yyyy_text_dates(database):
    header = ["Local authority", "Library name", "Count start", "Count end", "Type", "Loans"]
    content = workbook(rows=[header, ["Bexley", "Crayford", "01/04/2016", "30/04/2016", "Adult fiction", 51],
                             ["Bexley", "Crayford", dt.datetime(2016, 5, 1), dt.datetime(2016, 5, 31), "Adult fiction", 52]],
                       title_rows=["Loans"], footer=[])
    plan = check(database, "loans.xlsx", content)
    assert plan.problems == []
    assert figures_of(plan.added) == [("Crayford", "2016-04", "issues_adult_fiction", 51.0),
                                      ("Crayford", "2016-05", "issues_adult_fiction", 52.0)]


def test_an_unrecognised_header_is_refused_with_the_layouts_we_take():
    with pytest.raises(importer.FileNotUnderstood) as caught:
        importer.read_file("notes.csv", b"Name,Comment\nCrayford,fine\n")
    assert str(caught.value).startswith("No header row recognised in notes.csv. The file should have, perhaps "
                                        "below a title row or two, one of these headers: month, borough, branch, "
                                        "metric, value; ")


def test_an_empty_file_is_refused():
    with pytest.raises(importer.FileNotUnderstood, match=r"^empty.csv is empty\.$"):
        importer.read_file("empty.csv", b"\n")


# ------------------------------------------------------------------------------------------ rejections

def test_every_problem_is_reported_at_once_with_row_and_column(database):
    plan = check(database, "problems.csv")
    assert [str(p) for p in plan.problems] == [
        "Row 3, column “branch”: “Central” could be Central (Bexleyheath) or Central (Bromley): give the full "
        "name or fill in the borough.",
        "Row 4, column “branch”: “Craiford” is not a branch we know. Did you mean Crayford?",
        "Row 5, column “metric”: “vists” is not a metric we know. Did you mean visits?",
        "Row 6, column “month”: April 2109 is in the future (this month is March 2026). Is the year a typo?",
        "Row 7, column “month”: “2016-13” is not a month: write months as YYYY-MM, e.g. 2015-04.",
        "Row 8, column “value”: -5 is negative: a figure cannot be below zero.",
        "Row 9, column “value”: 2.5 is not a whole number: Events must be whole numbers (only hours may have "
        "fractions).",
        "Row 10, column “value”: “lots” is not a number.",
        "Row 11, column “value”: Crayford, Visits for April 2016 is also on row 2: give each figure once.",
        "Row 12, column “month”: Crayford was not open in March 2014: it was open from April 2014.",
        "Row 13, column “metric”: Active borrowers (active_borrowers) is an annual figure of the borough: give it "
        "for a financial year, not a month (Authority, Year, Metric, Value: Bexley, 2016-17, active_borrowers, …).",
        "Row 14, column “borough”: “Crayford” is in Bexley, not Bromley.",
        "Row 15, column “borough”: “Croydon” is not a borough of this service: use Bexley or Bromley.",
    ]
    assert (plan.problems[0].row, plan.problems[0].column) == (3, "branch")
    assert not plan.ok
    assert plan.summary() == ("problems.csv: 13 problems found, so nothing can be imported. Correct the file and "
                              "load it again.")
    # Fractions are fine for hours (row 16), so that row is not a problem.
    assert all(p.row != 16 for p in plan.problems)


def test_library_data_problems(database):
    plan = check(database, "library_data_problems.csv")
    # Row 2, a count of half a month, is no longer refused (issue 18): it is a sample, held as counted.
    assert [(r.row, r.period) for r in plan.added.itertuples()] == [(2, "1 to 15 April 2016, sampled 15 days")]
    assert [str(p) for p in plan.problems] == [
        "Row 3, column “Count end”: “31/04/2016” is not a date: write dates as 2015-04-01 or 01/04/2015.",
        "Row 4, column “Type”: “Large print” is not a loan type we can match to a metric. Accepted types: adult "
        "fiction, adult non-fiction, children's fiction, children's non-fiction (also written “junior” or "
        "“child”), and AV and e-issues (eBook, eAudio, audiobook, eMagazine, DVD, CD).",
        "Row 5, column “Local authority”: “Newcastle City Council” is not a borough of this service: use Bexley "
        "or Bromley.",
    ]


def test_a_branch_out_of_its_boroughs_return(db_path):
    with duckdb.connect(str(db_path)) as con:
        con.execute("update branch set reports_until = date '2016-03-31' where branch = 'Crayford'")
    with opened(db_path) as as_db:
        plan = check(as_db, "long.csv")
    assert [str(p) for p in plan.problems] == [
        "Row 2, column “month”: Crayford was not in Bexley’s return in April 2016: its figures stop after March 2016.",
        "Row 3, column “month”: Crayford was not in Bexley’s return in May 2016: its figures stop after March 2016.",
    ]


def test_an_unknown_branch_with_nothing_close(database):
    plan = check(database, "x.csv", b"month,branch,visits\n2016-04,Zanzibar,5\n")
    assert [str(p) for p in plan.problems] == [
        "Row 2, column “branch”: “Zanzibar” is not a branch we know. Check the spelling against the list of branches."]


def test_a_rejected_file_leaves_the_warehouse_exactly_as_it_was(db_path):
    before = snapshot(db_path)
    result = CliRunner().invoke(cli.main, ["import", str(IMPORTS / "problems.csv"), "--db", str(db_path),
                                           "--accept-warnings", "checked"])
    assert result.exit_code == 1
    assert "Row 4, column “branch”: “Craiford” is not a branch we know. Did you mean Crayford?" in result.output
    assert result.output.rstrip().endswith("Error: Nothing was imported.")
    assert_same(before, snapshot(db_path))


def test_apply_refuses_a_plan_with_problems(database):
    plan = check(database, "problems.csv")
    with pytest.raises(importer.ImportRefused, match=r"^problems.csv has 13 problems, so nothing was imported\."):
        importer.apply(database, plan, {}, as_user("ann"), "problems.csv", plan.checksum)


# ------------------------------------------------------------------------------------------ warnings

WARNINGS_FILE = textwrap.dedent("""\
    month,branch,metric,value
    2015-06,Crayford,visits,700
    2015-07,Crayford,visits,5000
    2015-08,Crayford,pc_hours_available,50
    2015-10,Crayford,events,30
    2015-11,Crayford,events,0
    2015-12,Crayford,events,0
    2015-09,Digital (Bexley),events,0
    2015-09,Digital (Bexley),event_attendance,40
    """).encode()


def test_each_plausibility_warning_with_its_key_and_message(database):
    plan = check(database, "checks.csv", WARNINGS_FILE)
    assert plan.problems == []
    shown = {w.key: str(w) for w in plan.warnings}
    assert shown == {
        "yoy:Crayford:2015-06:visits":
            "Row 2, column “value”: Crayford: Visits for June 2015 is 700, 40% more than June 2014 (500). "
            "A change of more than 25% on a year needs a reason.",
        # A typo is not also flagged for its change on last year: one reason is enough.
        "typo:Crayford:2015-07:visits":
            "Row 3, column “value”: Crayford: Visits for July 2015 is 5,000, about 10 times its usual monthly "
            "figure (500). Is there a digit too many?",
        "pc_hours:Crayford:2015-08":
            "Row 4, column “value”: Crayford: PC hours used for August 2015 (60) are more than the PC hours "
            "available (50). Were minutes entered as hours?",
        "yoy:Crayford:2015-08:pc_hours_available":
            "Row 4, column “value”: Crayford: PC hours available for August 2015 is 50, 50% less than August "
            "2014 (100). A change of more than 25% on a year needs a reason.",
        "quarter:Crayford:2015-10:events":
            "Row 5, column “value”: Crayford: Events for October 2015 is 30 while November 2015 and December "
            "2015 are zero. Is it the whole quarter's figure entered in one month?",
        "yoy:Crayford:2015-11:events":
            "Row 6, column “value”: Crayford: Events for November 2015 is 0, 100% less than November 2014 (10). "
            "A change of more than 25% on a year needs a reason.",
        "yoy:Crayford:2015-12:events":
            "Row 7, column “value”: Crayford: Events for December 2015 is 0, 100% less than December 2014 (10). "
            "A change of more than 25% on a year needs a reason.",
        "attendance:Digital (Bexley):2015-09":
            "Row 9, column “value”: Digital (Bexley): event attendance for September 2015 is 40 but there were "
            "no events that month.",
    }
    assert [w.row for w in plan.warnings] == sorted(w.row for w in plan.warnings)


def test_pc_hours_used_in_the_file_against_the_stored_hours_available(database):
    plan = check(database, "pc.csv", b"month,branch,pc_hours_used\n2015-09,Crayford,310\n")
    assert "pc_hours:Crayford:2015-09" in {w.key for w in plan.warnings}


def test_warnings_need_a_reason_each_before_anything_is_written(db_path):
    with opened(db_path) as as_db:
        plan = check(as_db, "checks.csv", WARNINGS_FILE)
        reasons = {w.key: "Checked with the branch manager" for w in plan.warnings[1:]}
        with pytest.raises(importer.ImportRefused) as caught:
            importer.apply(as_db, plan, reasons, as_user("ann"), "checks.csv", plan.checksum)
        assert str(caught.value) == ("1 warning needs a reason before the import can go ahead: "
                                     "yoy:Crayford:2015-06:visits. Nothing was imported.")
        reasons[plan.warnings[0].key] = "   "          # blank is no reason
        with pytest.raises(importer.ImportRefused):
            importer.apply(as_db, plan, reasons, as_user("ann"), "checks.csv", plan.checksum)
        reasons[plan.warnings[0].key] = "New door counter fitted"
        result = importer.apply(as_db, plan, reasons, as_user("ann"), "checks.csv", plan.checksum)
    with reading(db_path) as con:
        kept = con.execute("select warning_key, branch, strftime(month, '%Y-%m'), metric, reason from import_warning "
                           "where import_id = $id and check_name = 'yoy' order by all", {"id": result.import_id}).fetchall()
    assert kept[0] == ("yoy:Crayford:2015-06:visits", "Crayford", "2015-06", "visits", "New door counter fitted")
    assert len(kept) == 4


# ------------------------------------------------------------------------------------------ writing, re-importing, correcting

def test_an_import_adds_figures_and_records_who_when_and_what(db_path):
    content = (IMPORTS / "long.csv").read_bytes()
    with opened(db_path) as as_db:
        plan = check(as_db, "long.csv")
        result = importer.apply(as_db, plan, {}, as_user("ann"), "long.csv", importer.checksum_of(content))
        assert (result.added, result.changed, result.unchanged) == (3, 0, 0)
        assert result.message == "Import 1: long.csv: 3 figures added, 0 changed, 0 unchanged."
        assert stored(as_db, "Crayford", "2016-04", "visits") == (510.0, "imported", 1)
        history = importer.history(as_db)
    row = history.iloc[0]
    assert (row.import_id, row.imported_by, row.file_name, row.checksum, row.rows_added, row.rows_changed,
            row.file_shape) == (1, "ann", "long.csv", importer.checksum_of(content), 3, 0, "long")
    assert pd.isna(row.undone_at)
    figures = snapshot(db_path)["figures"]
    imported = figures[figures["provenance"] == "imported"]
    assert len(imported) == 3 and set(imported["fy"]) == {"2016-17"}


def test_re_importing_the_same_file_changes_nothing_and_says_so(db_path):
    with opened(db_path) as as_db:
        first = check(as_db, "long.csv")
        importer.apply(as_db, first, {}, as_user("ann"), "long.csv", first.checksum)
    before = snapshot(db_path)
    with opened(db_path) as as_db:
        again = check(as_db, "long.csv")
        assert again.nothing_to_change
        assert again.summary() == ("long.csv: nothing to change: all 3 figures in the file are already in the "
                                   "warehouse with the same values.")
        assert "This file was imported before (import 1)." in again.notes
        result = importer.apply(as_db, again, {}, as_user("ann"), "long.csv", again.checksum)
    assert result.import_id is None
    assert result.message == ("Nothing changed: all 3 figures in long.csv are already in the warehouse with the "
                              "same values.")
    assert_same(before, snapshot(db_path))


def test_a_correction_changes_the_named_figures_and_keeps_the_old_values(db_path):
    correction = b"month,branch,visits,events\n2015-06,Crayford,520,10\n2015-07,Crayford,500,10\n"
    with opened(db_path) as as_db:
        plan = check(as_db, "correction.csv", correction)
        assert plan.warnings == []
        changed = plan.changed[["branch", "month", "metric", "old_value", "new_value"]]
        assert [tuple(r) for r in changed.itertuples(index=False)] == [
            ("Crayford", pd.Timestamp("2015-06-01"), "visits", 500.0, 520.0)]
        assert len(plan.unchanged) == 3
        assert plan.summary() == "correction.csv: 0 figures to add, 1 to change, 3 unchanged."
        result = importer.apply(as_db, plan, {}, as_user("bob"), "correction.csv", plan.checksum)
        assert stored(as_db, "Crayford", "2015-06", "visits") == (520.0, "imported", result.import_id)
        assert stored(as_db, "Crayford", "2015-07", "visits") == (500.0, "modelled", None)   # unchanged: untouched
    with reading(db_path) as con:
        history = con.execute("select branch, strftime(month, '%Y-%m'), metric, old_value, old_provenance, "
                              "old_import_id, new_value, file_row from figure_history").fetchall()
    assert history == [("Crayford", "2015-06", "visits", 500.0, "modelled", None, 520.0, 2)]


def test_a_plan_checked_before_another_import_is_refused(database):
    plan = check(database, "long.csv")
    other = check(database, "correction.csv", b"month,branch,visits\n2015-06,Crayford,520\n")
    importer.apply(database, other, {}, as_user("bob"), "correction.csv", other.checksum)
    with pytest.raises(importer.ImportRefused, match="changed since this file was checked"):
        importer.apply(database, plan, {}, as_user("ann"), "long.csv", plan.checksum)


# ------------------------------------------------------------------------------------------ undoing

def test_undo_restores_what_an_import_replaced_and_removes_what_it_added(db_path):
    before = snapshot(db_path)["figures"]
    both = b"month,branch,visits\n2015-06,Crayford,520\n2016-04,Crayford,510\n"
    with opened(db_path) as as_db:
        plan = check(as_db, "both.csv", both)
        result = importer.apply(as_db, plan, {}, as_user("ann"), "both.csv", plan.checksum)
        undone = importer.undo(as_db, result.import_id, as_user("bob"))
        assert undone.message == ("Import 1 (both.csv) undone: 1 figure restored to the earlier values, 1 added "
                                  "figure removed.")
        with pytest.raises(importer.ImportRefused) as caught:
            importer.undo(as_db, result.import_id, as_user("bob"))
        assert str(caught.value).startswith("Import 1 (both.csv) was already undone on ")
        assert str(caught.value).endswith(" by bob: there is nothing left to undo.")
        with pytest.raises(importer.ImportRefused, match=r"^There is no import 99\.$"):
            importer.undo(as_db, 99, as_user("bob"))
    after = snapshot(db_path)
    pd.testing.assert_frame_equal(before, after["figures"])
    assert after["import_batch"].loc[0, "undone_by"] == "bob"


def test_undo_refuses_while_a_later_import_changed_its_figures(database):
    first = check(database, "first.csv", b"month,branch,visits\n2015-06,Crayford,520\n")
    one = importer.apply(database, first, {}, as_user("ann"), "first.csv", first.checksum)
    second = check(database, "second.csv", b"month,branch,visits\n2015-06,Crayford,530\n")
    two = importer.apply(database, second, {}, as_user("bob"), "second.csv", second.checksum)
    with pytest.raises(importer.ImportRefused) as caught:
        importer.undo(database, one.import_id, as_user("ann"))
    assert str(caught.value) == ("Import 1 (first.csv) cannot be undone: 1 of its figures was changed later by "
                                 "import 2 (second.csv), e.g. Crayford, visits for June 2015. Undo the later "
                                 "import first.")
    importer.undo(database, two.import_id, as_user("bob"))
    assert stored(database, "Crayford", "2015-06", "visits") == (520.0, "imported", 1)
    importer.undo(database, one.import_id, as_user("ann"))
    assert stored(database, "Crayford", "2015-06", "visits") == (500.0, "modelled", None)


# ------------------------------------------------------------------------------------------ the command line

def run_cli(*args: str):
    return CliRunner().invoke(cli.main, list(args))


def test_cli_warnings_without_reasons_write_nothing(db_path):
    path = db_path.parent / "checks.csv"
    path.write_bytes(WARNINGS_FILE)
    before = snapshot(db_path)
    result = run_cli("import", str(path), "--db", str(db_path))
    assert result.exit_code == 1
    assert ("  Warning [yoy:Crayford:2015-06:visits]: Row 2, column “value”: Crayford: Visits for June 2015 is 700, "
            "40% more than June 2014 (500). A change of more than 25% on a year needs a reason.") in result.output
    assert 'Give a reason for each warning with --reason "KEY=reason"' in result.output
    assert_same(before, snapshot(db_path))


def test_cli_reasons_one_by_one_and_for_all(db_path):
    path = db_path.parent / "checks.csv"
    path.write_bytes(WARNINGS_FILE)
    result = run_cli("import", str(path), "--db", str(db_path), "--user", "ann",
                     "--reason", "yoy:Crayford:2015-06:visits=Summer reading launch",
                     "--accept-warnings", "Checked with the branch")
    assert result.exit_code == 0, result.output
    assert "    Reason given: Summer reading launch" in result.output
    assert result.output.rstrip().endswith("Import 1: checks.csv: 2 figures added, 6 changed, 0 unchanged.")
    with reading(db_path) as con:
        reasons = dict(con.execute("select warning_key, reason from import_warning").fetchall())
        by = con.execute("select imported_by from import_batch").fetchone()[0]
    assert reasons["yoy:Crayford:2015-06:visits"] == "Summer reading launch"
    assert reasons["typo:Crayford:2015-07:visits"] == "Checked with the branch"
    assert by == "ann"
    with opened(db_path) as as_db:
        changes = importer.changes_of(as_db, 1)
        kept = importer.reasons_of(as_db, 1)
    assert len(changes) == 8 and changes["old_value"].isna().sum() == 2     # the two Digital figures were added
    assert set(kept["warning_key"]) == set(reasons)


def test_cli_dry_run_and_re_import(db_path):
    long = str(IMPORTS / "long.csv")
    before = snapshot(db_path)
    dry = run_cli("import", long, "--db", str(db_path), "--dry-run")
    assert dry.exit_code == 0
    assert dry.output.splitlines()[-2:] == ["long.csv: 3 figures to add, 0 to change, 0 unchanged.",
                                            "Dry run: nothing was written."]
    assert_same(before, snapshot(db_path))
    assert run_cli("import", long, "--db", str(db_path)).exit_code == 0
    again = run_cli("import", long, "--db", str(db_path))
    assert again.exit_code == 0
    assert "Nothing changed: all 3 figures in long.csv are already in the warehouse with the same values." in again.output


def test_cli_wide_by_month_metric_and_unreadable_files(db_path):
    wide = str(IMPORTS / "wide_by_month.csv")
    missing = run_cli("import", wide, "--db", str(db_path))
    assert missing.exit_code == 1
    assert "wide_by_month.csv has one column per month, so it holds a single measure" in missing.output
    ok = run_cli("import", wide, "--db", str(db_path), "--metric", "visits")
    assert ok.exit_code == 0 and "Import 1: wide_by_month.csv: 3 figures added" in ok.output


def test_cli_one_bad_file_stops_every_file(db_path):
    before = snapshot(db_path)
    result = run_cli("import", str(IMPORTS / "long.csv"), str(IMPORTS / "problems.csv"), "--db", str(db_path))
    assert result.exit_code == 1
    assert_same(before, snapshot(db_path))


def test_cli_undo_import(db_path):
    assert run_cli("import", str(IMPORTS / "long.csv"), "--db", str(db_path)).exit_code == 0
    undone = run_cli("undo-import", "1", "--db", str(db_path), "--user", "bob")
    assert undone.exit_code == 0
    assert undone.output == "Import 1 (long.csv) undone: 0 figures restored to the earlier values, 3 added figures removed.\n"
    twice = run_cli("undo-import", "1", "--db", str(db_path))
    assert twice.exit_code == 1 and "was already undone on" in twice.output and "Traceback" not in twice.output


def test_cli_a_missing_database_is_not_created(tmp_path):
    result = run_cli("import", str(IMPORTS / "long.csv"), "--db", str(tmp_path / "nope.duckdb"))
    assert result.exit_code == 1 and "There is no database at" in result.output
    assert not (tmp_path / "nope.duckdb").exists()


@contextlib.contextmanager
def holding(path: Path):
    """Another process with the database open read-write, as the running dashboard has it."""
    code = ("import sys, time; from libstats.db import Database; d = Database(sys.argv[1]); "
            "print('open', flush=True); time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "open"
        yield
    finally:
        proc.kill()
        proc.wait()


def test_cli_a_locked_database_is_a_plain_message(db_path):
    with holding(db_path):
        result = run_cli("import", str(IMPORTS / "long.csv"), "--db", str(db_path))
    assert result.exit_code == 1
    assert "is in use by another program (most likely the running dashboard)" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


# ------------------------------------------------------------------------------------------ killed mid-write

def big_file() -> bytes:
    """Every month from April 2016 to December 2024 at the three physical branches: 2,520 figures, no warnings."""
    monthly = {"Central (Bexleyheath)": (1000, 100, 400, 120), "Crayford": (500, 50, 100, 60),
               "Central (Bromley)": (2000, 200, 300, 90)}
    lines = ["month,branch,metric,value"]
    # Each figure moves a little month by month (never the same three months running, nor as the year before):
    # a return of one value repeated would need reasons (libstats/importer/return_checks.py).
    for i, month in enumerate(pd.period_range("2016-04", "2024-12", freq="M")):
        step = i % 5 + 1
        for branch, (visits, books, available, used) in monthly.items():
            values = {"visits": visits + step, "issues_adult_fiction": books + step,
                      "issues_adult_nonfiction": books + step, "issues_children_fiction": books + step,
                      "issues_children_nonfiction": books + step, "pc_hours_available": available + step,
                      "pc_hours_used": used + step, "events": 10 + i % 2 + 1}
            lines += [f"{month},{branch},{metric},{value}" for metric, value in values.items()]
    return ("\n".join(lines) + "\n").encode()


KILLED_WRITER = """
import sys, time
from libstats import auth, importer
from libstats.db import Database
database = Database(sys.argv[1])
content = open(sys.argv[2], "rb").read()
parsed = importer.read_file("big.csv", content)
plan = importer.validate(database, parsed)
assert plan.ok and not plan.warnings, (plan.problems[:3], plan.warnings[:3])
def progress(fraction, message):
    if fraction < 1:                      # some rows are written, inside the transaction
        print("writing", message, flush=True)
        time.sleep(120)
importer.apply(database, plan, {}, auth.Actor.command_line("killed"), "big.csv", parsed.checksum, progress=progress)
print("finished", flush=True)
"""


def test_a_process_killed_while_writing_leaves_nothing_behind(db_path, tmp_path):
    csv_path = tmp_path / "big.csv"
    csv_path.write_bytes(big_file())
    before = snapshot(db_path)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(db_path), str(csv_path)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        # the history of every figure is written, inside the transaction, when the writer is killed
        assert line.startswith("writing Written the history of 2,520 figures"), line
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()     # the assertion failed: do not leave it sleeping
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert_same(before, snapshot(db_path))
    # And the warehouse still takes the same import afterwards.
    result = run_cli("import", str(csv_path), "--db", str(db_path))
    assert result.exit_code == 0 and "2,520 figures added" in result.output
