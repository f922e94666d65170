"""Streamlit sections drawn on more than one page (or more than once on a page): the before-and-after estimate
(its content is libstats/content/priorities.py)."""
from __future__ import annotations

import re

import streamlit as st

from libstats import formats, priorities, ui
from libstats.content import priorities as content


def plain(text: str) -> str:
    """Text that may hold names from the data, shown as written (Markdown's special characters escaped)."""
    return re.sub(r"([\\`*_\[\]<>#~$|])", r"\\\1", text)


def intervention(event, key: str, meeting: bool) -> None:
    """The before-and-after estimate of one event from the events table, with its chart and method."""
    code = st.radio("Measure", list(content.INTERVENTION_MEASURES), key=f"{key}_measure", horizontal=True,
                    format_func=lambda c: content.INTERVENTION_MEASURES[c][0])
    done = ui.computed(content.analyse, int(event.event_id), code)
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
    ui.chart(done.chart, f"{key}_chart", plain(done.chart.summary), meeting=meeting)
    with st.expander("How the estimate is worked out"):
        st.markdown(plain(result.method()))
