"""Streamlit sections drawn on more than one page (or more than once on a page)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from libstats import catalogue, charts, formats, overview, priorities, ui
from libstats.content import priorities as content

# The measures a before-and-after estimate is made on (catalogue codes): (label, metrics) for each.
INTERVENTION_MEASURES = {code: (catalogue.measure(code).label, catalogue.measure(code).numerator)
                         for code in ("visits", "book_issues", "events", "event_attendance")}


def event_label(event) -> str:
    return f"{overview.event_when(event.event_date, event.date_precision)} · {priorities.where(event)} · {event.title}"


def plain(text: str) -> str:
    """Text that may hold names from the data, shown as written (Markdown's special characters escaped)."""
    return re.sub(r"([\\`*_\[\]<>#~$|])", r"\\\1", text)


@dataclass(frozen=True)
class Intervention:
    """What the before-and-after section shows for one event and measure (computed ahead, cached)."""
    result: priorities.Estimate | priorities.Refusal
    chart: charts.Shown | None = None


def _panel(run, event, codes) -> pd.DataFrame | None:
    """The monthly figures of the event's borough (None for a service-wide event: nothing to compare with)."""
    if event.borough == "Both boroughs":
        return None
    return run("monthly_by_branch", metrics=list(codes), borough=event.borough)


def analyse(run, event_id: int, code: str) -> Intervention:
    """The before-and-after estimate of one event (events table id) on one measure, or why there is none."""
    events = run("events_all", borough=None)
    event = next(events[events["event_id"] == event_id].itertuples())
    label, codes = INTERVENTION_MEASURES[code]
    result = priorities.estimate(event, _panel(run, event, codes), events, label, code)
    if isinstance(result, priorities.Refusal):
        return Intervention(result)
    return Intervention(result, content.estimate_chart(result, label))


def event_choices(run) -> tuple[list[int], pd.DataFrame]:
    """The events a before-and-after estimate applies to (ids), and the others with the reason why not."""
    events = run("events_all", borough=None)
    usable, left_out = [], []
    for event in events.itertuples():
        why = priorities.refusal(event, _panel(run, event, ("visits",)), events)
        if why is None:
            usable.append(int(event.event_id))
        else:
            left_out.append({"Event": event_label(event), "Why it is left out": " ".join(why.reasons)})
    return usable, pd.DataFrame(left_out, columns=["Event", "Why it is left out"])


def intervention(event, key: str, meeting: bool) -> None:
    """The before-and-after estimate of one event from the events table, with its chart and method."""
    code = st.radio("Measure", list(INTERVENTION_MEASURES), key=f"{key}_measure", horizontal=True,
                    format_func=lambda c: INTERVENTION_MEASURES[c][0])
    done = ui.computed(analyse, int(event.event_id), code)
    result = done.result
    if isinstance(result, priorities.Refusal):
        st.info(plain(result.sentence()))
        return
    st.markdown(plain(result.sentence()))
    if event.date_precision == "year":
        st.caption("⚠ Only the year of this event is known: the comparison starts from the month it is drawn at.")
    left, middle, right = st.columns(3)
    left.metric("Estimated effect", formats.percent(result.effect, 1, sign=True), border=True,
                help=f"{result.treated}'s change over and above {result.control}'s.")
    middle.metric("Likely range", f"{formats.percent(result.low, 0, sign=True)} to {formats.percent(result.high, 0, sign=True)}", border=True,
                  help=f"{formats.percent(result.low, 1, sign=True)} to {formats.percent(result.high, 1, sign=True)}: where the effect lies about "
                       f"{formats.number(result.coverage * 100)} times in 100, from the spread of the placebo estimates.")
    right.metric("Placebos as large", f"{result.as_large} of {result.placebos}", border=True,
                 help=f"{result.space_placebos} at other libraries, {result.time_placebos} at dates with no event.")
    ui.chart(done.chart.figure, f"{key}_chart", plain(done.chart.summary), done.chart.table, meeting=meeting)
    with st.expander("How the estimate is worked out"):
        st.markdown(plain(result.method()))
