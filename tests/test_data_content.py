"""The Data page's content (libstats/content/data.py): what its tabs say, without Streamlit."""
from __future__ import annotations

import pandas as pd

from libstats import db, export
from libstats.content import data as content


def _run(path):
    database = db.Database(path, read_only=True)
    return database.run


def test_the_register_is_cut_to_the_scope_and_counted_in_words(fixture_db):
    flagged = pd.DataFrame({"Borough": ["Bexley", "Bexley", "Bromley"], "Status": ["open", "corrected", "open"]})
    checked = content.register(_run(fixture_db), flagged, "2015-16", "Bexley", "Bexley")
    assert checked.summary == "Bexley: 2 figures fail one of CIPFA's checks: 1 open, 0 explained, 1 corrected."
    assert list(checked.shown(["open"])["Status"]) == ["open"]
    one = content.register(_run(fixture_db), flagged.iloc[[2]], "2015-16", "Whole service", None)
    assert one.summary == "Whole service: 1 figure fails one of CIPFA's checks: 1 open, 0 explained, 0 corrected."
    assert one.completeness.title == "Completeness, 2015-16"
    assert one.completeness.frame.set_index("Branch").loc["Crayford", "Apr 2015"] == "✓"


def test_the_export_counts_figures_and_says_when_excel_cannot_hold_them(fixture_db):
    from tests.conftest import inspect
    expected = inspect(fixture_db, "select count(*) from figures")[0][0]
    counted = content.export_tab(_run(fixture_db))
    assert (counted.count, counted.count_text, counted.excel, counted.excel_note) == (
        expected, f"{expected:,} figures.", True, None)
    big = export.EXCEL_MAX_ROWS + 1
    too_many = content.export_tab(lambda name, **_: pd.DataFrame({"figures": [big]}))
    assert not too_many.excel
    assert too_many.excel_note == f"Too many rows for one Excel sheet ({big:,}): use CSV or Parquet."


def test_the_import_limits_and_the_one_measure_picker(fixture_db):
    shown = content.import_tab(_run(fixture_db), 200)
    assert shown.limits.startswith("Limits: files up to 200 MB, up to ")
    assert list(shown.measures)[0] is None and shown.measures[None] == "(the file says)"
    assert shown.measures["visits"] == "Visits"
