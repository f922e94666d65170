"""The Data page's import history in people's words: headings, dates and '—', never column names or None."""
from __future__ import annotations

import pandas as pd

from libstats import import_words


def history_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "import_id": [2, 1], "imported_at": [pd.Timestamp("2026-12-01 20:15:07"), pd.Timestamp("2026-11-30 09:01")],
        "imported_by": ["Sam Librarian", "Ann"], "file_name": ["a.csv", "b.csv"], "checksum": ["x", "y"],
        "file_shape": ["long", "long"], "rows_added": [1, 2], "rows_changed": [0, 3], "rows_unchanged": [0, 0],
        "warnings": [0, 1], "undone_at": [None, pd.Timestamp("2026-12-01 10:00")], "undone_by": [None, "Sam Librarian"]})


def test_the_history_has_headings_in_words_and_a_dash_for_what_was_not_undone():
    shown = import_words.history(history_rows())
    assert list(shown.columns) == ["Import", "When", "Imported by", "File", "File layout", "Rows added", "Rows changed",
                                   "Rows unchanged", "Warnings let through", "Undone", "Undone by"]
    assert shown.iloc[0].to_dict() == {
        "Import": 2, "When": "01 Dec 2026 20:15", "Imported by": "Sam Librarian", "File": "a.csv", "File layout": "long",
        "Rows added": 1, "Rows changed": 0, "Rows unchanged": 0, "Warnings let through": 0, "Undone": "—",
        "Undone by": "—"}
    assert shown.iloc[1]["Undone"] == "01 Dec 2026 10:00" and shown.iloc[1]["Undone by"] == "Sam Librarian"
    text = shown.to_string()
    assert "None" not in text and "NaT" not in text and "checksum" not in text and "_" not in "".join(shown.columns)


def test_what_an_import_changed_says_dash_for_a_figure_it_added():
    changes = pd.DataFrame({"import_id": [1], "borough": ["Bexley"], "branch": ["Crayford"],
                            "month": [pd.Timestamp("2018-04-01")], "metric": ["visits"], "label": ["Visits"],
                            "old_value": [float("nan")], "new_value": [8123.0], "old_provenance": [None],
                            "old_import_id": [float("nan")], "file_row": [2]})
    shown = import_words.changes(changes).iloc[0].to_dict()
    assert shown["Measure"] == "Visits" and shown["Month"] == "Apr 2018"
    assert shown["Value before"] == "—" and shown["Source before"] == "—" and shown["From import"] == "—"
    reasons = pd.DataFrame({"import_id": [1], "warning_key": ["k"], "check_name": ["jump"], "branch": ["Crayford"],
                            "month": [pd.Timestamp("2018-04-01")], "metric": ["visits"], "message": ["Up 80%"],
                            "reason": ["A new library opened"]})
    assert list(import_words.reasons(reasons).columns) == ["Import", "Check", "Branch", "Month", "Measure", "Warning",
                                                           "Reason given"]



def test_the_branch_picker_offers_the_scopes_branches_grouped_by_borough(fixture_db, make_app):
    # Issue 19 changed this: a borough's scope offers that borough's branches (at national scale every branch
    # was 2,974 options); the whole service offers both boroughs', every Bexley branch, then every Bromley one.
    from tests.conftest import inspect
    at = make_app(fixture_db, fy="2015-16", scope="Whole service")
    at.switch_page("pages/branches.py").run()
    picker = at.selectbox(key="branch")
    every = inspect(fixture_db, "select branch, borough from branch")
    assert set(picker.options) == {f"{borough} · {name}" for name, borough in every} and len(every) == len(picker.options)
    boroughs = [option.split(" · ")[0] for option in picker.options]
    assert boroughs == sorted(boroughs), "grouped: every Bexley branch, then every Bromley one"
    bromley = make_app(fixture_db, fy="2015-16", scope="Bromley")
    bromley.switch_page("pages/branches.py").run()
    assert set(bromley.selectbox(key="branch").options) == {f"Bromley · {name}" for name, borough in every
                                                            if borough == "Bromley"}
