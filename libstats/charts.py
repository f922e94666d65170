"""Pure Plotly chart builders: a DataFrame in, a figure out. No Streamlit, so the board pack reuses them."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from libstats import fiscal

# Okabe-Ito: distinguishable with every common colour-vision deficiency, and in greyscale the
# two main series differ in lightness too. Colour is never the only signal: lines also differ in
# dash and marker shape.
BLUE, ORANGE, VERMILION, GREEN, SKY, GREY = "#0072B2", "#E69F00", "#D55E00", "#009E73", "#56B4E9", "#6b6b6b"
# A system font: a web font loading late makes Plotly measure one font and draw another (clipped labels).
FONT = dict(family="Liberation Sans, Arial, DejaVu Sans, sans-serif", size=15, color="#1f1f1f")


def _layout(fig: go.Figure, title: str, y_title: str, x_title: str) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        title=dict(text=title, x=0, xanchor="left", font=dict(size=19)),
        font=FONT,
        height=440,
        margin=dict(l=70, r=20, t=100, b=60),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, font=dict(size=14)),
        hovermode="x unified",
    )
    fig.update_xaxes(title_text=x_title, showgrid=False)
    fig.update_yaxes(title_text=y_title, rangemode="tozero", separatethousands=True, gridcolor="#e5e5e5",
                     automargin=True, tickformat=",d")
    return fig


def fy_overlay(monthly: pd.DataFrame, fy: str, previous_fy: str, label: str, unit: str,
               title: str, events: pd.DataFrame | None = None) -> go.Figure:
    """This financial year against the last, month by month from April to March.

    monthly: columns fy, month, value. events: columns number, event_date, title (this year's),
    drawn as numbered diamonds above the months they fell in.
    """
    fig = go.Figure()
    styles = {
        previous_fy: dict(color=ORANGE, dash="dash", symbol="square", width=2.5),
        fy: dict(color=BLUE, dash="solid", symbol="circle", width=3.5),
    }
    top = 0.0
    for year in (previous_fy, fy):
        rows = monthly[monthly["fy"] == year].sort_values("month")
        if rows.empty:
            continue
        x = [fiscal.MONTH_ABBR[fiscal.fy_month_index(pd.Timestamp(m).date()) - 1] for m in rows["month"]]
        style = styles[year]
        fig.add_trace(go.Scatter(
            x=x, y=rows["value"], name=year, mode="lines+markers",
            line=dict(color=style["color"], dash=style["dash"], width=style["width"]),
            marker=dict(symbol=style["symbol"], size=9, color=style["color"]),
            hovertemplate=f"%{{x}} {year}: %{{y:,.0f}} {unit}<extra></extra>",
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
    return _layout(fig, title, f"{label} per month", "Month (the financial year runs April to March)")
