"""Pure Plotly chart builders: a DataFrame in, a figure out. No Streamlit, so the board pack reuses them."""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from libstats import catalogue, fiscal, formats
from libstats import provenance as prov
from libstats.parts import Chart

# Okabe-Ito: distinguishable with every common colour-vision deficiency, and in greyscale the
# two main series differ in lightness too. Colour is never the only signal: lines also differ in
# dash and marker shape.
# Okabe-Ito's orange (#E69F00, 2.25:1) and sky blue (#56B4E9, 2.31:1) are too light for marks on white
# (WCAG 1.4.11 asks 3:1): the same hues darkened, 3.99:1 and 3.56:1.
BLUE, ORANGE, VERMILION, GREEN, SKY, GREY = "#0072B2", "#B86E00", "#D55E00", "#009E73", "#3A8FC4", "#6b6b6b"
# Chart text: near-black, as on the page (Streamlit's chart theme would make it #808495, 3.72:1).
TEXT = "#1f1f1f"
# Every figure here sets its own template: resolve it once, and stop new figures first taking the
# default one (applying a template by name copies it, which costs more than drawing the chart).
# plotly_white cut down to what these charts use (the layout of 2-D axes, the scatter and bar defaults):
# the whole template has defaults for every kind of trace and axis and costs half of building a figure.
_WHITE = pio.templates["plotly_white"]
_KEPT = ("autotypenumbers", "colorway", "font", "hovermode", "hoverlabel", "paper_bgcolor", "plot_bgcolor",
         "xaxis", "yaxis", "shapedefaults", "annotationdefaults", "title")
TEMPLATE = go.layout.Template(
    layout={k: v for k, v in _WHITE.layout.to_plotly_json().items() if k in _KEPT},
    data={"scatter": _WHITE.data.scatter, "bar": _WHITE.data.bar})


def _figure(*traces) -> go.Figure:
    """A new figure with this module's template from the start (passed, not set as Plotly's global default)."""
    return go.Figure(list(traces), layout={"template": TEMPLATE})


# A system font: a web font loading late makes Plotly measure one font and draw another (clipped labels).
FONT = dict(family="Liberation Sans, Arial, DejaVu Sans, sans-serif", size=15, color="#1f1f1f")


# A chart made ahead of showing it is a parts.Chart (the one chart type of every page's content).
Shown = Chart


def _layout(fig: go.Figure, title: str, y_title: str, x_title: str) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=19)),
        font=FONT,
        height=440,
        margin=dict(l=70, r=20, t=100, b=60),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, font=dict(size=14)),
        hovermode="x unified",
    )
    fig.update_xaxes(title_text=x_title, showgrid=False, color=TEXT)
    fig.update_yaxes(color=TEXT, title_text=y_title, rangemode="tozero", separatethousands=True, gridcolor="#e5e5e5",
                     automargin=True, tickformat=formats.D3_WHOLE)
    return fig


def fy_overlay(monthly: pd.DataFrame, fy: str, previous_fy: str, label: str, unit: str,
               title: str, events: pd.DataFrame | None = None, value_format: str = ",.0f",
               counted: pd.DataFrame | None = None) -> go.Figure:
    """This financial year against the last, month by month from April to March.

    monthly: columns fy, month, value. events: columns number, event_date, title (this year's),
    drawn as numbered diamonds above the months they fell in. counted: counts made over several months (a
    quarter; columns fy, period_start, months, value), each drawn as one bar over its months at its monthly
    average, with its total written on it, instead of the line's invented months (issue 18).
    """
    fig = _figure()
    styles = {
        previous_fy: dict(color=ORANGE, dash="dash", symbol="square", width=2.5),
        fy: dict(color=BLUE, dash="solid", symbol="circle", width=3.5),
    }
    top = 0.0
    for year in (previous_fy, fy):
        rows = monthly[monthly["fy"] == year].sort_values("month")
        if rows.empty:
            continue
        # Every month of the year on the axis, so a month with no figures is a gap, not a straight line.
        by_month = {fiscal.fy_month_index(pd.Timestamp(m).date()): v for m, v in zip(rows["month"], rows["value"])}
        style = styles[year]
        for first, months, total in _counted_spans(counted, year):
            for i in range(first, first + months):
                by_month.pop(i, None)          # a bar, not a line through months nobody counted one by one
            _period_bar(fig, first, months, total, year, style, unit, value_format)
        y = [by_month.get(i) for i in range(1, 13)]
        fig.add_trace(go.Scatter(
            x=list(fiscal.MONTH_ABBR), y=y, name=year, mode="lines+markers", connectgaps=False,
            line=dict(color=style["color"], dash=style["dash"], width=style["width"]),
            marker=dict(symbol=style["symbol"], size=9, color=style["color"]),
            hovertemplate=f"%{{x}} {year}: %{{y:{value_format}}} {unit}<extra></extra>",
        ))
        top = max(top, float(rows["value"].max()))
    if events is not None and not events.empty and top:
        xs = [fiscal.MONTH_ABBR[fiscal.fy_month_index(pd.Timestamp(d).date()) - 1] for d in events["event_date"]]
        fig.add_trace(go.Scatter(
            x=xs, y=[top * 1.08] * len(xs), name="Events (listed below)", mode="markers+text",
            marker=dict(symbol="diamond", size=13, color=VERMILION, line=dict(color="white", width=1)),
            text=[str(n) for n in events["number"]], textposition="top center",
            hovertext=list(events["title"]), hovertemplate="%{hovertext}<extra></extra>",
        ))
    fig.update_xaxes(categoryorder="array", categoryarray=list(fiscal.MONTH_ABBR))
    fig = _layout(fig, title, f"{label} per month", "Month (the financial year runs April to March)")
    return _y_format(fig, value_format)


def _tint(colour: str, alpha: float = 0.25) -> str:
    """A see-through fill of a '#rrggbb' colour (the outline keeps the full colour, and its contrast)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _counted_spans(counted: pd.DataFrame | None, year: str) -> list[tuple[int, int, float]]:
    """(first month's index 1-12, months, total) of each count over several months in year."""
    if counted is None or counted.empty:
        return []
    rows = counted[counted["fy"] == year]
    return [(fiscal.fy_month_index(pd.Timestamp(start).date()), int(months), float(value))
            for start, months, value in zip(rows["period_start"], rows["months"], rows["value"])]


def _period_bar(fig: go.Figure, first: int, months: int, total: float, year: str, style: dict, unit: str,
                value_format: str) -> None:
    """One count over several months as a bar across them at its monthly average, outlined in the year's colour
    and dash (never colour alone), its total written above it."""
    names = fiscal.MONTH_ABBR[first - 1:first - 1 + months]
    average = total / months
    fig.add_shape(type="rect", xref="x", yref="y", x0=first - 1 - 0.4, x1=first - 2 + months + 0.4, y0=0, y1=average,
                  line=dict(color=style["color"], dash=style["dash"], width=2.5), fillcolor=_tint(style["color"]),
                  layer="below")
    fig.add_trace(go.Scatter(
        x=[names[len(names) // 2]], y=[average], mode="text", showlegend=False, cliponaxis=False,
        text=[f"{formats.number(total)} in one count<br>{names[0]}–{names[-1]} {year}"], textposition="top center",
        textfont=dict(color=TEXT, size=13), hovertemplate=f"{names[0]}–{names[-1]} {year}: {formats.number(total)} {unit} "
                                                f"counted as one (a bar at its monthly average, %{{y:{value_format}}})"
                                                "<extra></extra>"))


def _y_format(fig: go.Figure, value_format: str) -> go.Figure:
    if "%" in value_format:
        fig.update_yaxes(tickformat=formats.d3("percent", 0)[0])
    elif value_format.endswith("2f"):
        fig.update_yaxes(tickformat=formats.d3("ratio", grouping=False)[0])
    return fig


SERIES_STYLES = (
    dict(color=BLUE, dash="solid", symbol="circle"),
    dict(color=ORANGE, dash="dash", symbol="square"),
    dict(color=GREEN, dash="dot", symbol="diamond"),
    dict(color=VERMILION, dash="dashdot", symbol="triangle-up"),
    dict(color=SKY, dash="longdash", symbol="x"),
    dict(color=GREY, dash="longdashdot", symbol="star"),
)
# A trend draws at most this many series, each in a style of its own; with more (a national warehouse
# has 135 authorities) it draws the first ones given and the largest, and its title says so.
MOST_SERIES = len(SERIES_STYLES)


def _most_series(yearly: pd.DataFrame, title: str) -> tuple[pd.DataFrame, str]:
    names = list(dict.fromkeys(yearly["series"]))
    if len(names) <= MOST_SERIES:
        return yearly, title
    latest = yearly.sort_values("fy").groupby("series", sort=False)["value"].last()
    ours = [n for n in names if n in (*catalogue.SCOPE_NAMES, "Bexley and Bromley")]
    rest = [n for n in latest.sort_values(ascending=False).index if n not in ours]
    kept = (ours + rest)[:MOST_SERIES]
    shown = yearly[yearly["series"].isin(kept)]
    order = {name: i for i, name in enumerate(kept)}
    shown = shown.sort_values("series", key=lambda s: s.map(order), kind="stable")
    return shown, f"{title} ({MOST_SERIES} of {formats.number(len(names))} shown: ours and the largest; the table has all)"
# The shared service's dates and their sources, as events.csv records them (tests/test_seed.py checks): it began on
# 1 January 2012 and the agreement ran to 31 December 2017 (gov.uk case study); Bexley's 2016-17 CIPFA return
# says it ended on 31 March 2017. The shading follows the case study; its label names both.
SHARED_SERVICE = ("2012-01-01", "2017-12-31")
SHARED_SERVICE_BEXLEY_END = "2017-03-31"
# Two short lines, so the label fits a chart on a 320 px screen.
SHARED_SERVICE_LABEL = ("Shared service, Jan 2012 – Dec 2017<br>"
                        "(gov.uk; Bexley's return: to Mar 2017)")


def fy_midpoint(fy: str) -> pd.Timestamp:
    """Where a financial year sits on a time axis: 1 October."""
    return pd.Timestamp(fiscal.fy_start_year(fy), 10, 1)


def trend(yearly: pd.DataFrame, label: str, title: str, value_format: str = ",.0f",
          events: pd.DataFrame | None = None, targets: pd.DataFrame | None = None) -> go.Figure:
    """Yearly figures across all years on a time axis, with the shared-service period shaded.

    yearly: series, fy, value, provenance, months. A modelled year is drawn as a hollow marker, a
    published one filled; a part year says so in its hover. events: number, event_date, title.
    targets: fy, value (drawn as short black bars across the year).
    """
    yearly, title = _most_series(yearly, title)
    fig = _figure()
    fig.add_vrect(x0=SHARED_SERVICE[0], x1=SHARED_SERVICE[1], fillcolor="#9e9e9e", opacity=0.14, line_width=0,
                  annotation_text=SHARED_SERVICE_LABEL, annotation_position="bottom left",
                  annotation_font=dict(size=13, color="#444444"))
    top = 0.0
    for i, (name, rows) in enumerate(yearly.groupby("series", sort=False)):
        rows = rows.sort_values("fy")
        style = SERIES_STYLES[i % len(SERIES_STYLES)]
        modelled = rows["provenance"].map(prov.is_modelled)
        symbols = [style["symbol"] + ("-open" if m else "") for m in modelled]
        notes = [(f"part year, {formats.number(m)} months" if m and m < 12 else "full year") + (", " + prov.label(p))
                 for m, p in zip(rows.get("months", pd.Series([12] * len(rows))).fillna(12).astype(int), rows["provenance"])]
        fig.add_trace(go.Scatter(
            x=[fy_midpoint(fy) for fy in rows["fy"]], y=rows["value"], name=str(name), mode="lines+markers",
            line=dict(color=style["color"], dash=style["dash"], width=3),
            marker=dict(symbol=symbols, size=11, color=style["color"], line=dict(width=2, color=style["color"])),
            customdata=list(zip(rows["fy"], notes)),
            hovertemplate=f"%{{customdata[0]}}: %{{y:{value_format}}} (%{{customdata[1]}})<extra>{name}</extra>",
        ))
        top = max(top, float(rows["value"].max())) if len(rows) else top
    if targets is not None and not targets.empty:
        xs, ys = [], []
        for fy, value in zip(targets["fy"], targets["value"]):
            start = pd.Timestamp(fiscal.fy_start_year(fy), 4, 15)
            xs += [start, start + pd.DateOffset(months=11), None]
            ys += [value, value, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, name="Target (service plan)", mode="lines",
                                 line=dict(color="#1f1f1f", width=4), hovertemplate=f"Target: %{{y:{value_format}}}<extra></extra>"))
    if events is not None and not events.empty and top:
        # All the event lines in one go: add_vline one at a time re-validates the layout each time.
        fig.update_layout(shapes=[*fig.layout.shapes, *(
            dict(type="line", x0=pd.Timestamp(day), x1=pd.Timestamp(day), yref="paper", y0=0, y1=1,
                 line=dict(color=VERMILION, width=1, dash="dot")) for day in events["event_date"])])
        fig.add_trace(go.Scatter(
            x=[pd.Timestamp(d) for d in events["event_date"]], y=[top * 1.1] * len(events),
            name="Events (listed below)", mode="markers+text", text=[str(n) for n in events["number"]],
            textposition="top center", hovertext=list(events["title"]),
            marker=dict(symbol="diamond", size=12, color=VERMILION), hovertemplate="%{hovertext}<extra></extra>"))
    # A tick per financial year, named as the year ("2011-12"), at the middle of the year where its marker is.
    years = sorted(set(yearly["fy"]))
    fig.update_xaxes(tickvals=[fy_midpoint(fy) for fy in years], ticktext=years)
    fig = _layout(fig, title, label, "Financial year (hollow marker = modelled)")
    fig.update_layout(hovermode="closest")
    return _y_format(fig, value_format)


def diverging_bars(changes: pd.DataFrame, title: str, unit: str) -> go.Figure:
    """Each branch's change: rises to the right, falls to the left, each labelled with its signed number."""
    rows = changes.iloc[::-1]
    colours = [BLUE if v >= 0 else VERMILION for v in rows["Change"]]
    fig = _figure(go.Bar(
        x=rows["Change"], y=rows["Branch"], orientation="h", marker=dict(color=colours),
        text=[formats.number(v, 0, sign=True) for v in rows["Change"]], textposition="outside", cliponaxis=False,
        hovertemplate=f"%{{y}}: %{{x:{formats.d3('count', sign=True)[0]}}} {unit}<extra></extra>",
    ))
    fig = _layout(fig, title, "", f"Change in {unit} on the year before")
    fig.update_yaxes(rangemode="normal", tickformat=None, automargin=True)
    low, high = min(0.0, float(rows["Change"].min())), max(0.0, float(rows["Change"].max()))
    pad = (high - low) * 0.18 or 1.0            # room for the labels outside the bars
    fig.update_xaxes(zeroline=True, zerolinecolor="#1f1f1f", zerolinewidth=2, tickformat=formats.D3_WHOLE,
                     range=[low - (pad if low < 0 else 0), high + (pad if high > 0 else 0)])
    fig.update_layout(height=max(320, 34 * len(rows) + 160), showlegend=False, hovermode="closest")
    return fig


def indexed_lines(frame: pd.DataFrame, event: pd.Timestamp, title: str, y_title: str) -> go.Figure:
    """Two monthly series as an index around an event (frame: series, month, index), the event marked."""
    fig = _figure()
    for i, (name, rows) in enumerate(frame.groupby("series", sort=False)):
        style = SERIES_STYLES[i % len(SERIES_STYLES)]
        fig.add_trace(go.Scatter(
            x=rows["month"], y=rows["index"], name=str(name), mode="lines+markers", connectgaps=False,
            line=dict(color=style["color"], dash=style["dash"], width=3),
            marker=dict(symbol=style["symbol"], size=7, color=style["color"]),
            hovertemplate="%{x|%b %Y}: %{y:" + formats.d3("count", grouping=False)[0] + "}<extra>" + str(name) + "</extra>",
        ))
    fig.add_vline(x=pd.Timestamp(event), line=dict(color=VERMILION, width=2, dash="dot"))
    # Inside the plot, right of the line, so it never sits on the legend above.
    fig.add_annotation(x=pd.Timestamp(event), y=1, yref="paper", text=f" {pd.Timestamp(event):%b %Y}",
                       showarrow=False, yanchor="top", xanchor="left", font=dict(color=VERMILION, size=14))
    fig.add_hline(y=100, line=dict(color=GREY, width=1))
    fig = _layout(fig, title, y_title, "Month")
    fig.update_yaxes(tickformat=formats.D3_WHOLE)
    fig.update_xaxes(tickformat="%b %Y")
    return fig


# The peers' bars: a slate grey of 3.61:1 on white (WCAG 1.4.11; the pale #b9c4cf was 1.9:1). Ours differ by
# more than colour: hatched, outlined in black and named with a ◆.
PEER = "#7d8894"


def peer_bars(frame: pd.DataFrame, title: str, x_title: str, value_format: str, median: float | None,
              prefix: str = "") -> go.Figure:
    """Authorities sorted by a figure; our boroughs hatched, darker and named with a ◆ (not colour alone).

    frame: authority, value, highlight (bool).
    """
    rows = frame.sort_values("value")
    names = [f"◆ {a}" if h else a for a, h in zip(rows["authority"], rows["highlight"])]
    fig = _figure(go.Bar(
        x=rows["value"], y=names, orientation="h",
        marker=dict(color=[BLUE if h else PEER for h in rows["highlight"]],
                    pattern=dict(shape=["/" if h else "" for h in rows["highlight"]], fgcolor="white"),
                    line=dict(color=["#1f1f1f" if h else PEER for h in rows["highlight"]], width=1.5)),
        text=[formats.d3_text(v, value_format, prefix) for v in rows["value"]], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: " + prefix + "%{x:" + value_format + "}<extra></extra>",
    ))
    if median is not None:
        # Under the bars: the dashes showed through the value labels ("4,849") when drawn over them.
        fig.add_vline(x=median, line=dict(color="#1f1f1f", width=2, dash="dash"), layer="below")
        fig.add_annotation(x=median, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"Group median {formats.d3_text(median, value_format, prefix)}", font=dict(size=13))
    fig = _layout(fig, title, "", x_title)
    fig.update_yaxes(tickformat=None, rangemode="normal")
    fig.update_xaxes(tickformat=None, range=[0, float(rows["value"].max()) * 1.18])
    fig.update_layout(height=max(360, 26 * len(rows) + 170), showlegend=False, hovermode="closest")
    if "%" in value_format:
        fig.update_xaxes(tickformat=formats.d3("percent", 0)[0])
    return fig


def presentation(fig: go.Figure, height: int = 560) -> go.Figure:
    """The same figure for a projector: taller, larger type, thicker lines, near-black instead of blue.

    Near-black against orange (dashed) still reads apart in greyscale.
    """
    fig = go.Figure(fig)
    fig.update_layout(height=height, font=dict(size=22), title=dict(font=dict(size=26 if height >= 500 else 19)),
                      legend=dict(font=dict(size=20)), margin=dict(t=110))
    small = height < 500                  # beside a table: titles must fit half a screen's width
    title = fig.layout.title.text or ""
    if small and len(title) > 44 and "<br>" not in title:
        # Plotly never wraps a title: break it at its last colon (else comma) so it is not cut off.
        cut = title.rfind(": ") if ": " in title else title.rfind(", ")
        if cut > 0:
            fig.update_layout(title_text=title[:cut + 1] + "<br>" + title[cut + 2:], margin=dict(t=130))
    fig.update_xaxes(tickfont=dict(size=18 if small else 20), title_font=dict(size=15 if small else 20))
    fig.update_yaxes(tickfont=dict(size=18 if small else 20), title_font=dict(size=15 if small else 20))
    rows = max((len(t.y) for t in fig.data if t.type == "bar" and t.orientation == "h" and t.y is not None), default=0)
    if rows:
        # Every bar keeps its name: the type shrinks to the room each bar has rather than Plotly skipping names.
        size = max(11, min(20, int((height - 250) / rows * 0.8)))
        fig.update_yaxes(tickfont=dict(size=size))
        fig.update_traces(textfont=dict(size=size), selector=dict(type="bar"))
    for trace in fig.data:
        # Only scatter traces have a line and a marker size; a bar's marker has neither (its
        # `line` is the bar's outline, and it has no `size` at all).
        if trace.type != "scatter":
            continue
        if trace.line.color == BLUE:
            trace.line.color = "#111111"
        if trace.line.width:
            trace.line.width = trace.line.width * 1.6
        if trace.marker.color == BLUE:
            trace.marker.color = "#111111"
        if trace.marker.line.color == BLUE:
            trace.marker.line.color = "#111111"
        if isinstance(trace.marker.size, (int, float)):
            trace.marker.size = trace.marker.size * 1.5
    return fig


def untitled(fig: go.Figure) -> tuple[dict, str]:
    """The figure as a dict without its title (top margin cut to the legend's room), and the title's text.

    The page shows a chart's title as text above it: Plotly never wraps an SVG title, so at 800 px and below
    it was cut off, and a legend could sit on it."""
    spec = fig.to_plotly_json()
    layout = spec.setdefault("layout", {})
    title = (layout.pop("title", None) or {}).get("text") or ""
    if title:
        legend_on_top = layout.get("showlegend", True) is not False and len(spec.get("data", [])) > 1
        layout.setdefault("margin", {})["t"] = 60 if legend_on_top else 36
        title = re.sub(r"<br\s*/?>", " ", title)
    return spec, title
