"""Streamlit sections drawn on more than one page (or more than once on a page)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from libstats import charts, metrics, overview, priorities, ui

INTERVENTION_MEASURES = {
    "visits": ("Visits", ("visits",)),
    "book_issues": ("Book issues", metrics.BOOK_CATEGORIES),
    "events": ("Events", ("events",)),
    "event_attendance": ("Event attendance", ("event_attendance",)),
}


def event_label(event) -> str:
    where = event.branch if isinstance(event.branch, str) else event.borough
    return f"{overview.event_when(event.event_date, event.date_precision)} · {where} · {event.title}"


def intervention(event, key: str) -> None:
    """The before-and-after analysis of one event from the events table, with its chart and method."""
    code = st.radio("Measure", list(INTERVENTION_MEASURES), key=f"{key}_measure", horizontal=True,
                    format_func=lambda c: INTERVENTION_MEASURES[c][0])
    label, codes = INTERVENTION_MEASURES[code]
    start = pd.Timestamp(event.event_date).to_period("M").to_timestamp()
    if isinstance(event.branch, str):
        series = ui.run("monthly_by_branch", metrics=list(codes), borough=event.borough)
        treated, control = priorities.split_treated_control(series, event.branch, "branch")
        treated_name, control_name = event.branch, f"the rest of {event.borough}'s libraries"
    elif event.borough in ("Bexley", "Bromley"):
        series = ui.run("monthly_by_borough", metrics=list(codes))
        treated, control = priorities.split_treated_control(series, event.borough, "borough")
        other = "Bromley" if event.borough == "Bexley" else "Bexley"
        treated_name, control_name = event.borough, other
    else:
        st.info("This change touched the whole service, so there is no comparison group inside the warehouse: "
                "see the shared service and the national trend on this page instead.")
        return
    result = priorities.difference_in_differences(treated, control, start, treated_name, control_name)
    if event.date_precision == "year":
        st.caption("⚠ Only the year of this event is known: the analysis starts from the month it is drawn at.")
    if result is None:
        st.warning(f"There are not enough months with figures on both sides of {start:%B %Y} to compare.")
        return
    left, middle, right = st.columns(3)
    left.metric(f"{treated_name}: change", f"{result.treated_change * 100:+.1f}%", border=True,
                help=f"{result.months_compared} months from {start:%B %Y} against the same months a year earlier.")
    middle.metric(f"{control_name[:1].upper() + control_name[1:]}: change", f"{result.control_change * 100:+.1f}%",
                  border=True)
    right.metric("Uplift", f"{result.uplift * 100:+.1f}%", border=True,
                 help="The change over and above the comparison group's.")
    right.caption(f"Likely between {result.low * 100:+.1f}% and {result.high * 100:+.1f}%.")
    frame = priorities.indexed(treated, control, start, treated_name, control_name)
    figure = charts.indexed_lines(frame, start, f"{label}: {treated_name} against {control_name}, indexed",
                                  f"{label} (100 = average of the year before)")
    table = frame.pivot_table(index="month", columns="series", values="value").reset_index()
    table["month"] = table["month"].dt.strftime("%b %Y")
    ui.chart(figure, f"{key}_chart", result.sentence(label), table)
    missing = [m for m in pd.date_range(start - pd.DateOffset(months=12), periods=12, freq="MS")
               if pd.isna(treated.get(m))]
    if missing:
        phase = priorities.phases(treated, start, missing[0])
        phase["Average a month"] = phase["Average a month"].map(lambda v: "closed: no figures" if pd.isna(v) else f"{v:,.0f}")
        st.table(phase, hide_index=True)
    with st.expander("How the uplift is worked out"):
        st.write(result.method)
    st.caption("Figures before 2015-16 are modelled estimates (see each year's source on the year-on-year page); "
               "new members are not recorded in the warehouse, so they cannot be shown.")
