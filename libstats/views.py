"""Streamlit sections drawn on more than one page (or more than once on a page)."""
from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Intervention:
    """What the before-and-after section shows for one event and measure (computed ahead, cached)."""
    notice: str | None = None            # the whole service changed: nothing to compare with
    warning: str | None = None           # too few months
    treated_name: str = ""
    control_name: str = ""
    result: object = None                # priorities.DiD
    chart: charts.Shown | None = None
    phases: pd.DataFrame | None = None


def analyse(run, event_id: int, code: str) -> Intervention:
    """The difference-in-differences analysis of one event (events table id) on one measure."""
    events = run("events_all", borough=None)
    event = next(events[events["event_id"] == event_id].itertuples())
    label, codes = INTERVENTION_MEASURES[code]
    start = pd.Timestamp(event.event_date).to_period("M").to_timestamp()
    if isinstance(event.branch, str):
        series = run("monthly_by_branch", metrics=list(codes), borough=event.borough)
        treated, control = priorities.split_treated_control(series, event.branch, "branch")
        treated_name, control_name = event.branch, f"the rest of {event.borough}'s libraries"
    elif event.borough in ("Bexley", "Bromley"):
        series = run("monthly_by_borough", metrics=list(codes))
        treated, control = priorities.split_treated_control(series, event.borough, "borough")
        other = "Bromley" if event.borough == "Bexley" else "Bexley"
        treated_name, control_name = event.borough, other
    else:
        return Intervention(notice="This change touched the whole service, so there is no comparison group inside "
                                   "the warehouse: see the shared service and the national trend on this page instead.")
    result = priorities.difference_in_differences(treated, control, start, treated_name, control_name)
    if result is None:
        return Intervention(warning=f"There are not enough months with figures on both sides of {start:%B %Y} to compare.",
                            treated_name=treated_name, control_name=control_name)
    frame = priorities.indexed(treated, control, start, treated_name, control_name)
    figure = charts.indexed_lines(frame, start, f"{label}: {treated_name} against {control_name}, indexed",
                                  f"{label} (100 = average of the year before)")
    table = frame.pivot_table(index="month", columns="series", values="value").reset_index()
    table["month"] = table["month"].dt.strftime("%b %Y")
    missing = [m for m in pd.date_range(start - pd.DateOffset(months=12), periods=12, freq="MS")
               if pd.isna(treated.get(m))]
    phase = None
    if missing:
        phase = priorities.phases(treated, start, missing[0])
        phase["Average a month"] = phase["Average a month"].map(lambda v: "closed: no figures" if pd.isna(v) else f"{v:,.0f}")
    return Intervention(None, None, treated_name, control_name, result,
                        charts.Shown("", figure, result.sentence(label), table), phase)


def intervention(event, key: str) -> None:
    """The before-and-after analysis of one event from the events table, with its chart and method."""
    code = st.radio("Measure", list(INTERVENTION_MEASURES), key=f"{key}_measure", horizontal=True,
                    format_func=lambda c: INTERVENTION_MEASURES[c][0])
    done = ui.computed(analyse, int(event.event_id), code)
    start = pd.Timestamp(event.event_date).to_period("M").to_timestamp()
    if done.notice:
        st.info(done.notice)
        return
    if event.date_precision == "year":
        st.caption("⚠ Only the year of this event is known: the analysis starts from the month it is drawn at.")
    if done.warning:
        st.warning(done.warning)
        return
    result, treated_name, control_name = done.result, done.treated_name, done.control_name
    left, middle, right = st.columns(3)
    left.metric(f"{treated_name}: change", f"{result.treated_change * 100:+.1f}%", border=True,
                help=f"{result.months_compared} months from {start:%B %Y} against the same months a year earlier.")
    middle.metric(f"{control_name[:1].upper() + control_name[1:]}: change", f"{result.control_change * 100:+.1f}%",
                  border=True)
    right.metric("Uplift", f"{result.uplift * 100:+.1f}%", border=True,
                 help="The change over and above the comparison group's.")
    right.caption(f"Likely between {result.low * 100:+.1f}% and {result.high * 100:+.1f}%.")
    ui.chart(done.chart.figure, f"{key}_chart", done.chart.summary, done.chart.table)
    if done.phases is not None:
        st.table(done.phases, hide_index=True)
    with st.expander("How the uplift is worked out"):
        st.write(result.method)
    st.caption("Figures before 2015-16 are modelled estimates (see each year's source on the year-on-year page); "
               "new members are not recorded in the warehouse, so they cannot be shown.")
