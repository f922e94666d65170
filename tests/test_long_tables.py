"""Long tables are sent as interactive grids with an accessible name; short ones stay HTML tables (issue 19)."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from libstats import ui


def _script(rows):
    import pandas as pd

    from libstats import ui
    frame = pd.DataFrame({"No.": range(1, rows + 1),
                          "Event": ["**Refit** of [the hall](http://x.example) <b>closed</b>"] * rows})
    ui.table(frame, "Events of 2015-16", key="events")


def _page(rows: int):
    return AppTest.from_function(_script, kwargs={"rows": rows}, default_timeout=30)


def test_a_long_table_is_a_grid_with_its_accessible_name_and_its_text_as_typed():
    at = _page(ui_long := ui.LONG_TABLE + 1)
    at.run()
    assert not at.exception
    assert len(at.table) == 0 and len(at.dataframe) == 1
    grid = at.dataframe[0]
    assert grid.proto.alt == "Events of 2015-16"
    assert len(grid.value) == ui_long
    # the grid shows each cell as text: the marks someone typed are kept, nothing is made a link or bold
    assert grid.value["Event"].iloc[0] == "**Refit** of [the hall](http://x.example) <b>closed</b>"


def test_a_short_table_stays_an_html_table():
    at = _page(12)
    at.run()
    assert not at.exception
    assert len(at.dataframe) == 0 and len(at.table) == 1
    assert at.table[0].value["No."].tolist() == list(range(1, 13))
