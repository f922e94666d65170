"""Sentences count what was compared, not what was drawn, and say it in plurals."""
from __future__ import annotations

import pandas as pd

from libstats import yoy

VISITS = yoy.ExplorerMeasure("visits", "Visits", "sum", ("visits",), unit="visits")


def test_every_branch_compared_is_counted_not_only_the_bars_drawn():
    changes = [500.0] * 15 + [-200.0] * 6 + [0.0]          # 22 branches; the chart draws the 12 biggest
    movers = pd.DataFrame({"Branch": [f"B{i}" for i in range(22)], "Change": changes})
    assert yoy.drivers_summary(movers, VISITS, "2015-16") == (
        "Of the 22 branches compared, 15 branches rose, 6 fell and 1 did not change against 2015-16; together they "
        "changed visits by +6,300.")


def test_one_branch_is_one_branch():
    movers = pd.DataFrame({"Branch": ["Crayford", "Sidcup"], "Change": [10.0, -4.0]})
    assert yoy.drivers_summary(movers, VISITS, "2015-16").startswith(
        "Of the 2 branches compared, 1 branch rose and 1 fell against 2015-16")


def test_the_overview_says_when_a_change_is_a_change_of_scope(seed_db, make_app, tmp_path):
    import shutil
    path = tmp_path / "library.duckdb"
    shutil.copy(seed_db, path)
    at = make_app(path, fy="2016-17", scope="Bexley")
    said = [w.value for w in at.warning]
    assert len(said) == 1 and said[0].startswith(
        "Part of the change on 2015-16 is a change of scope, not of use: Four Bexley libraries move to community "
        "management (Bexley). [Compare like for like](/year_on_year?fy=2016-17&scope=Bexley)")
    at = make_app(path, fy="2015-16", scope="Bexley")
    assert not at.warning, "no change of scope in 2015-16"
