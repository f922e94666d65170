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


# --- What every chart builder promises a reader (issue 14): colours that read on white, never colour alone,
# text in the page's near-black, and a sentence that says what the chart shows.

def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _two_years():
    months = list(pd.date_range("2015-04-01", periods=12, freq="MS")) + list(pd.date_range("2014-04-01", periods=12, freq="MS"))
    return pd.DataFrame({"fy": ["2015-16"] * 12 + ["2014-15"] * 12, "month": months,
                         "value": [float(100 + i) for i in range(24)]})


def _yearly(series=("Bexley", "Bromley", "Whole service")):
    return pd.DataFrame([{"series": s, "fy": fy, "value": float(10 * i + j), "provenance": "published", "months": 12}
                         for i, s in enumerate(series) for j, fy in enumerate(["2013-14", "2014-15", "2015-16"])])


def test_every_mark_colour_reads_on_white():
    """WCAG 1.4.11: a line or marker needs 3:1 against the white background."""
    for colour in (charts.BLUE, charts.ORANGE, charts.VERMILION, charts.GREEN, charts.SKY, charts.GREY,
                   *(s["color"] for s in charts.SERIES_STYLES)):
        assert contrast(colour, "#ffffff") >= 3, f"{colour} is {contrast(colour, '#ffffff'):.2f}:1 on white"
    assert contrast(charts.TEXT, "#ffffff") >= 4.5


def test_the_two_years_differ_in_dash_and_marker_not_colour_alone():
    fig = charts.fy_overlay(_two_years(), "2015-16", "2014-15", "Visits", "visits", "Visits")
    this_year, last_year = (next(t for t in fig.data if t.name == y) for y in ("2015-16", "2014-15"))
    assert this_year.line.dash != last_year.line.dash
    assert this_year.marker.symbol != last_year.marker.symbol
    assert this_year.line.color != last_year.line.color


def test_every_trend_series_has_a_dash_and_marker_of_its_own():
    fig = charts.trend(_yearly(), "Visits", "Visits across the years")
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert len(lines) == 3
    assert len({t.line.dash for t in lines}) == 3
    assert len({t.marker.symbol[0].removesuffix("-open") for t in lines}) == 3


def test_the_peer_chart_marks_ours_by_pattern_and_name_as_well_as_colour():
    frame = pd.DataFrame({"authority": ["Bexley", "Havering"], "value": [0.41, 0.32], "highlight": [True, False]})
    fig = charts.peer_bars(frame, "PC utilisation", "PC utilisation", ".0%", 0.36)
    assert list(fig.data[0].text) == ["32%", "41%"]          # the label writes what the axis draws
    assert "◆ Bexley" in fig.data[0].y and set(fig.data[0].marker.pattern.shape) == {"", "/"}
    assert any("Group median 36%" in (a.text or "") for a in fig.layout.annotations)


def test_axis_and_chart_text_are_the_pages_near_black():
    for fig in (charts.fy_overlay(_two_years(), "2015-16", "2014-15", "Visits", "visits", "Visits"),
                charts.trend(_yearly(), "Visits", "Visits across the years"),
                charts.diverging_bars(pd.DataFrame({"Branch": ["A", "B"], "Change": [5.0, -2.0]}), "Change", "visits")):
        assert fig.layout.font.color == charts.TEXT
        assert fig.layout.xaxis.color == charts.TEXT and fig.layout.yaxis.color == charts.TEXT
        # the template travels with the figure: no global Plotly default is relied on
        assert fig.layout.template.layout.plot_bgcolor == "white"


def test_a_chart_of_the_content_layer_carries_its_alt_text(fixture_db):
    """Every Chart a page shows has a sentence (the chart's accessible name) and the numbers behind it."""
    from libstats import db
    from libstats.content import overview, peers
    run = db.Database(fixture_db).run
    months = overview.month_by_month(run, "visits", "2015-16", "2014-15", "Bexley", "Bexley", tuple(range(1, 13)))
    shown = [months.chart, *peers.page(run, "2015-16").charts]
    for chart in shown:
        assert chart.summary and chart.summary.endswith("."), chart.key
        assert not chart.table.empty, chart.key
    assert months.chart.summary.startswith("Bexley in 2015-16: visits were highest in")


def test_the_page_shows_the_title_above_the_chart_and_leaves_the_figure_as_it_was():
    monthly = pd.DataFrame({"fy": ["2015-16", "2014-15"], "month": pd.to_datetime(["2015-04-01", "2014-04-01"]),
                            "value": [100.0, 90.0]})
    fig = charts.fy_overlay(monthly, "2015-16", "2014-15", "Visits", "visits", "Visits month by month:<br>Bexley")
    spec, title = charts.untitled(fig)
    assert title == "Visits month by month: Bexley"
    assert "title" not in spec["layout"] and spec["layout"]["margin"]["t"] == 60     # two series: the legend's room
    assert fig.layout.title.text == "Visits month by month:<br>Bexley", "a cached figure is never changed"


def test_a_charts_other_forms_are_made_once_with_it_and_apart_per_height():
    """The page's untitled figure and the projector's are forms of the (cached) Chart, not a cache of their own:
    made once per Chart and name, so a rerun does no Plotly work, and a second height is a second form."""
    from libstats.parts import Chart
    changes = pd.DataFrame({"Branch": ["Crayford", "Sidcup"], "Change": [1200.0, -300.0]})
    shown = Chart("drivers", charts.diverging_bars(changes, "Branch changes", "visits"), "Crayford rose most.", changes)
    made = []

    def projector(height):
        return lambda fig: made.append(height) or charts.presentation(fig, height)
    big = shown.form(("meeting", 560), projector(560))
    assert shown.form(("meeting", 560), projector(560)) is big and made == [560]
    small = shown.form(("meeting", 430), projector(430))
    assert small.layout.height == 430 and big.layout.height == 560 and made == [560, 430]
    assert shown == Chart("drivers", shown.figure, "Crayford rose most.", changes), "forms are not part of equality"
