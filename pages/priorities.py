"""First-year priorities: did the new Crayford Library, the improved Bromley Central Library, the new
library management system, external funding and the shared service itself pay off?"""
import streamlit as st

from libstats import filters, formats, overview, shared_service, ui, views
from libstats.content import priorities as content

selection = filters.current()
st.title("First-year priorities of the shared service")
st.write("The shared service's first year set six priorities, all met on time. For each one that the figures "
         "can speak to, the evidence follows. Any event in the events table can be analysed the same way.")

events = ui.run("events_all", borough=None)
by_priority = {e.priority: e for e in events.itertuples() if isinstance(e.priority, str)}
# Only the open tab runs and is drawn (five tabs hold seven charts between them).
tabs = st.tabs(["The new Crayford Library", "Bromley Central Library", "Management system and funding",
                "The shared service", "Any event"], key="priorities_tab", on_change="rerun")

for tab, (priority, heading) in zip(tabs, (
        ("crayford", "The new Crayford Library (November 2012)"),
        ("central", "The improved Bromley Central Library and its Historic Collections (November 2016)"))):
    with tab:
        if not tab.open:
            continue
        st.header(heading, anchor=priority)
        if priority in by_priority:
            views.intervention(by_priority[priority], priority, selection.meeting)
        else:
            st.info("This priority's event is not in the events table.")

with tabs[2]:
    if tabs[2].open:
        st.header("A new library management system for both boroughs", anchor="lms")
        lms = events[events["priority"] == "lms"]
        if lms.empty:
            st.write("No event for the new library management system is recorded.")
        else:
            ui.table(overview.events_table(lms), "Events of the new library management system", key="lms_events")
            st.caption("The go-live month is not in public sources: it is an estimate. The warehouse records no "
                       "figure for the system itself; its month shows as a dip in recorded loans while issues "
                       "were logged offline (modelled).")
        st.header("External funding secured", anchor="funding")
        ui.show(ui.computed(content.funding_chart), meeting=selection.meeting)
        st.caption("⚠ Modelled: funding secured is not in the published returns; these yearly amounts are estimates.")

with tabs[3]:
    if tabs[3].open:
        st.header("The shared service against the national trend", anchor="shared")
        shared = ui.computed(content.shared_service_chart)
        if shared is None:
            st.info("The comparison with the national trend needs the service's visits for 2010-11, which are not held.")
        else:
            ui.show(shared, meeting=selection.meeting)
            st.caption("UK visits: 314m in 2010-11, 250m in 2015-16 and 233m in 2017-18 are published; the years "
                       "between are interpolated (modelled). The service's figures are modelled except 2015-16 (published "
                       "for both boroughs) and Bexley's 2016-17.")
        st.header("Savings against net expenditure", anchor="savings")
        net = ui.run("annual_by_borough", metrics=["net_expenditure"], borough=None)
        st.table(shared_service.savings_table(net, shared_service.SAVINGS).style.format(
            {"Net expenditure (£)": lambda v: formats.value(v, "pounds"), "Saving (£)": lambda v: formats.value(v, "pounds"),
             "Saving as % of net expenditure": lambda v: formats.percent(v / 100)}),
            hide_index=True, alt="Savings against net expenditure")
        st.caption("Savings: about £400,000 a year for Bexley and £370,000 for Bromley (gov.uk case study), "
                   "shown from 2012-13, the first full year of the shared service.")

with tabs[4]:
    if tabs[4].open:
        st.header("Before and after any event", anchor="any")
        usable, left_out = ui.computed(content.event_choices)
        candidates = {e.event_id: e for e in events.itertuples() if e.event_id in usable}
        st.write(f"{len(candidates)} of the {len(events)} events can be measured this way: one or a few libraries "
                 "changed and the others of the borough, untouched, show what would have happened without it.")
        if candidates:
            chosen = st.selectbox("Event", list(candidates), key="any_event",
                                  format_func=lambda i: content.event_label(candidates[i]))
            views.intervention(candidates[chosen], "any", selection.meeting)
        with st.expander(f"The {len(left_out)} events left out, and why"):
            ui.table(left_out, "Events left out, and why", key="events_left_out")

