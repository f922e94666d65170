"""Overview: one financial year's headline figures against the year before, its months and its events."""
import urllib.parse

import streamlit as st

from libstats import filters, overview, ui
from libstats.content import overview as content

selection = filters.current()
fy, previous_fy, borough, scope = selection.fy, selection.previous_fy, selection.borough, selection.scope

st.title(f"{scope}: {fy} at a glance")
months = list(ui.run("months_in_year", fy=fy, borough=borough)["month_number"])
if not months:
    st.warning(f"There are no figures for {fy} for {scope.lower()} yet.")
    st.stop()
if len(months) < 12:
    st.info(f"{fy} is a part year ({len(months)} months so far): every change is against the same "
            f"months of {previous_fy}.")

headlines = ui.computed(content.headlines, fy, previous_fy, borough, tuple(months))
st.header("Headline figures", anchor="headlines")
for row in headlines.rows:
    for column, tiles in zip(st.columns(3), row):
        with column:
            for tile in tiles:
                ui.tile(st, tile)
# A borough total that moves because libraries left or joined its return is a change of scope, not of use.
events = ui.run("events_in_year", fy=fy, borough=borough)
for change in events[events["kind"] == "scope"].itertuples():
    like_for_like = f"/year_on_year?fy={fy}&scope={urllib.parse.quote(scope)}"
    st.warning(f"Part of the change on {previous_fy} is a change of scope, not of use: {change.title} "
               f"({change.borough}). [Compare like for like]({like_for_like}): the same libraries in both years.",
               icon=":material/warning:")
if borough is None:
    st.caption("Active borrowers are shown for each borough, never added: someone who borrows in both "
               "boroughs would count twice in a sum.")



@st.fragment
def month_by_month() -> None:
    """The chart of one measure: choosing another reruns only this fragment, not the page."""
    st.header("Month by month against the year before", anchor="months")
    measures = overview.monthly_measures()
    measure = measures[st.columns(3)[0].selectbox(
        "Measure", list(measures), key="overview_measure", format_func=lambda code: measures[code].label,
    )]
    months_shown = ui.computed(content.month_by_month, measure.code, fy, previous_fy, borough, scope, tuple(months))
    ui.show(months_shown.chart, meeting=selection.meeting)
    st.caption(months_shown.note)


month_by_month()
st.header(f"What happened in {fy}", anchor="events")
if events.empty:
    st.write(f"No events are recorded for {fy}.")
else:
    ui.table(overview.events_table(events), f"Events of {fy}", key="overview_events")
    st.caption("Numbers match the diamonds on the chart; events known only to the year are listed, not drawn.")
