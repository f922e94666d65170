"""The Data page: upload, check, give reasons, confirm, undo; the register; the export."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.conftest import account, shown, signed_in

GOOD = b"month,borough,branch,metric,value\n2016-04,Bexley,Crayford,visits,520\n2016-04,,bexleyheath,visits,990\n"
TYPO = b"month,borough,branch,metric,value\n2016-04,Bexley,Crayford,visits,5000\n"
BAD = b"month,borough,branch,metric,value\n2016-04,Bexley,Crayfrod,visits,520\n2109-04,Bexley,Crayford,visits,-3\n"


@pytest.fixture
def app(fixture_db, make_app, tmp_path):
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    account(path, "Sam Librarian", "librarian", ["Bexley"])
    at = signed_in(make_app(path, fy="2015-16", scope="Bexley"), path, "Sam Librarian")
    at.switch_page("pages/data.py").run()
    assert not at.exception and not at.error
    return at


def open_tab(at, label):
    at.session_state["data_tab"] = label
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def upload(at, name, content):
    at.file_uploader(key="upload").set_value([(name, content, "text/csv")])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_good_file_is_previewed_then_imported_and_can_be_undone(app):
    at = upload(app, "april.csv", GOOD)
    assert any(shown(m.value) == "april.csv: 2 figures to add, 0 to change, 0 unchanged." for m in at.markdown)
    at.button(key="confirm_0").click().run()
    assert [shown(s.value) for s in at.success] == ["Import 1: april.csv: 2 figures added, 0 changed, 0 unchanged."]
    at.switch_page("pages/data.py").run()
    history = [d.value for d in at.dataframe if "File" in d.value.columns][0]
    assert history.iloc[0]["File"] == "april.csv" and history.iloc[0]["Rows added"] == 2
    assert history.iloc[0]["Imported by"] == "Sam Librarian" and history.iloc[0]["Undone"] == "—"
    at.button(key="undo_button").click().run()
    assert [shown(s.value) for s in at.success] == [
        "Import 1 (april.csv) undone: 0 figures restored to the earlier values, 2 added figures removed."]
    history = [d.value for d in at.dataframe if "File" in d.value.columns][0]
    assert history.iloc[0]["Undone"] != "—" and history.iloc[0]["Undone by"] == "Sam Librarian"


def test_the_new_figure_shows_on_the_branch_page(app):
    at = upload(app, "april.csv", GOOD)
    at.button(key="confirm_0").click().run()
    at.query_params["branch"] = "Crayford"
    at.switch_page("pages/branches.py").run()
    at.sidebar.selectbox(key="fy").set_value("2016-17").run()
    grid = [d.value for d in at.dataframe if "Apr" in d.value.columns][0].set_index("Measure")
    assert grid.loc["Visits", "Apr"] == 520


def test_a_warning_needs_a_reason_before_the_import(app):
    at = upload(app, "typo.csv", TYPO)
    assert at.button(key="confirm_0").disabled
    reason = [t for t in at.text_input if t.key.startswith("reason_0_")]
    assert len(reason) == 1
    assert shown(reason[0].label).startswith("Row 2, column “value”: Crayford: Visits for April 2016 is 5,000, about 10 times "
                                      "its usual monthly figure (500).")
    reason[0].set_value("Summer reading launch event: counted right").run()
    assert not at.button(key="confirm_0").disabled
    at.button(key="confirm_0").click().run()
    assert [shown(s.value) for s in at.success] == ["Import 1: typo.csv: 1 figure added, 0 changed, 0 unchanged."]
    open_tab(at, "Data quality").multiselect(key="register_status").set_value(["explained"]).run()
    register = [d.value for d in at.dataframe if "Status" in d.value.columns][0]
    row = register[(register["Branch"] == "Crayford") & (register["Month"] == "2016-04")].iloc[0]
    assert (row["Status"], row["Reason"]) == ("explained", "Summer reading launch event: counted right (import 1)")


def test_a_bad_file_says_which_row_and_column_and_writes_nothing(app):
    at = upload(app, "bad.csv", BAD)
    assert at.error[0].value.startswith("3 problems: nothing from this file will be imported")
    problems = [d.value for d in at.dataframe if "What is wrong" in d.value.columns][0]
    assert problems.to_dict("records") == [
        {"Row": 2, "Column": "branch", "What is wrong": "“Crayfrod” is not a branch we know. Did you mean Crayford?"},
        {"Row": 3, "Column": "month",
         "What is wrong": f"April 2109 is in the future (this month is {dt.date.today():%B %Y}). Is the year a typo?"},
        {"Row": 3, "Column": "value", "What is wrong": "-3 is negative: a figure cannot be below zero."},
    ]
    assert not [b for b in at.button if b.key == "confirm_0"]


def test_the_register_and_export_run_only_when_their_tab_is_open(app):
    texts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    assert not any("fail one of CIPFA's checks" in t for t in texts)
    assert not any(t.endswith(" figures.") for t in texts)
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Download the register (CSV)" not in labels


def test_the_register_and_completeness(app):
    at = open_tab(app, "Data quality")
    assert any(m.value.startswith("Bexley: ") and m.value.endswith("corrected.") for m in at.markdown)
    grid = [d.value for d in at.dataframe if "Apr 2015" in d.value.columns][0].set_index("Branch")
    assert grid.loc["Crayford", "Apr 2015"] == "✓"
    # each grid is named for a screen reader (its heading is not read with it)
    names = {d.proto.alt for d in at.dataframe}
    assert "The data-quality register" in names and any(n.startswith("Completeness") for n in names), names
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the register (CSV)" in labels
    labels = [b.proto.label for b in open_tab(at, "Export").get("download_button")]
    assert {"CSV", "Parquet", "Excel"} <= set(labels)


def test_the_export_tab_counts_every_figure_without_reading_them(app, fixture_db):
    from tests.conftest import inspect
    expected = inspect(fixture_db, "select count(*) from figures")[0][0]
    assert f"{expected:,} figures." in [c.value for c in open_tab(app, "Export").caption]
