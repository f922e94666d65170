"""The pure chart builders: a DataFrame in, a figure out."""
from __future__ import annotations

import pandas as pd

from libstats import charts


def test_the_projector_copy_of_a_bar_chart_keeps_its_bars_and_enlarges_its_type():
    changes = pd.DataFrame({"Branch": ["Crayford", "Sidcup"], "Change": [1200.0, -300.0]})
    fig = charts.diverging_bars(changes, "Branch changes", "visits")
    big = charts.presentation(fig)
    assert big.data[0].type == "bar"
    assert list(big.data[0].x) == [-300.0, 1200.0]
    assert big.layout.font.size == 22 and big.layout.height == 560
    assert fig.layout.height != 560, "the original figure is left as it was"


def test_the_projector_copy_of_a_peer_chart_with_a_median_line():
    frame = pd.DataFrame({"authority": ["Bexley", "Havering", "Sutton"], "value": [4.1, 3.2, 5.0],
                          "highlight": [True, False, False]})
    big = charts.presentation(charts.peer_bars(frame, "Visits per head", "Visits", ".1f", 4.1))
    # sorted by value: Havering 3.2, ◆ Bexley 4.1 (hatched), Sutton 5.0
    assert list(big.data[0].y) == ["Havering", "◆ Bexley", "Sutton"]
    assert big.data[0].marker.pattern.shape == ("", "/", "")


def test_the_projector_copy_of_a_line_chart_is_darker_and_thicker():
    monthly = pd.DataFrame({"fy": ["2015-16", "2014-15"], "month": pd.to_datetime(["2015-04-01", "2014-04-01"]),
                            "value": [100.0, 90.0]})
    fig = charts.fy_overlay(monthly, "2015-16", "2014-15", "Visits", "visits", "Visits")
    big = charts.presentation(fig)
    this_year = next(t for t in big.data if t.name == "2015-16")
    assert this_year.line.color == "#111111" and this_year.line.width == 3.5 * 1.6
    assert this_year.marker.size == 9 * 1.5


def test_a_trend_names_its_ticks_as_financial_years():
    import pandas as pd
    yearly = pd.DataFrame({"series": ["Bexley"] * 3, "fy": ["2010-11", "2011-12", "2012-13"], "value": [1.0, 2.0, 3.0],
                           "provenance": ["modelled", "published", "published"], "months": [12, 12, 12]})
    fig = charts.trend(yearly, "Visits", "Visits across the years")
    assert list(fig.layout.xaxis.ticktext) == ["2010-11", "2011-12", "2012-13"]
    assert [pd.Timestamp(v) for v in fig.layout.xaxis.tickvals] == [charts.fy_midpoint(y) for y in ["2010-11", "2011-12", "2012-13"]]
