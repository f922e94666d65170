"""First-year priorities: did the new Crayford Library, the improved Bromley Central Library, the new
library management system, external funding and the shared service itself pay off?"""
import streamlit as st

from libstats import charts, filters, overview, priorities, ui, views, yoy

selection = filters.current()
st.title("First-year priorities of the shared service")
st.write("The shared service's first year set six priorities, all met on time. For each one that the figures "
         "can speak to, the evidence follows. Any event in the events table can be analysed the same way.")

events = ui.run("events_all", borough=None)
by_title = {e.title: e for e in events.itertuples()}
tabs = st.tabs(["The new Crayford Library", "Bromley Central Library", "Management system and funding",
                "The shared service", "Any event"])

for tab, (title, heading, anchor) in zip(tabs, (
        ("New Crayford Library opens", "The new Crayford Library (November 2012)", "crayford"),
        ("Historic Collections open in Bromley Central Library",
         "The improved Bromley Central Library and its Historic Collections (November 2016)", "central"))):
    with tab:
        st.subheader(heading, anchor=anchor)
        if title in by_title:
            views.intervention(by_title[title], anchor)
        else:
            st.info(f"“{title}” is not in the events table.")

with tabs[2]:
    st.subheader("A new library management system for both boroughs", anchor="lms")
    lms = events[events["title"].str.contains("management system", case=False)]
    if lms.empty:
        st.write("No event for the new library management system is recorded.")
    else:
        st.table(overview.events_table(lms), hide_index=True)
        st.caption("The go-live month is not in public sources: it is an estimate. The warehouse records no "
                   "figure for the system itself; its month shows as a dip in recorded loans while issues "
                   "were logged offline (modelled).")
    st.subheader("External funding secured", anchor="funding")
    funding = ui.run("annual_by_borough", metrics=["external_funding"], borough=None)
    measure = yoy.explorer_measures(ui.run("metric_catalogue"))["external_funding"]
    trend = funding.rename(columns={"borough": "series"}).assign(months=12)
    ui.chart(charts.trend(trend, "External funding (£)", "External funding secured by each borough, by year"),
             "funding_chart", yoy.trend_summary(trend[trend["series"] == "Bexley"], measure),
             yoy.trend_table(trend, measure))
    st.caption("⚠ Modelled: funding secured is not in the published returns; these yearly amounts are estimates.")

with tabs[3]:
    st.subheader("The shared service against the national trend", anchor="shared")
    service = yoy.yearly(ui.run("branch_trends", metrics=["visits"], borough=None),
                         yoy.explorer_measures(ui.run("metric_catalogue"))["visits"], "Bexley and Bromley")
    comparison = priorities.national_comparison(service)
    if comparison.empty:
        st.info("The comparison with the national trend needs the service's visits for 2010-11, which are not held.")
    else:
        gap = priorities.gap_to_national(comparison, "2015-16")
        sentence = ("Visits across both boroughs against all UK library visits, each as an index with 2010-11 = 100. "
                    + ("" if gap is None else f"By 2015-16 the service stood {abs(gap):.1f} points "
                       f"{'above' if gap > 0 else 'below'} the national index, so its fall was "
                       f"{'smaller' if gap > 0 else 'larger'} than the country's."))
        ui.chart(charts.trend(comparison, "Index (2010-11 = 100)", "Visits: the shared service against the UK, indexed",
                              ".1f"), "national_chart", sentence,
                 comparison.assign(value=comparison["value"].round(1)).drop(columns=["months"]))
        st.caption("UK visits: 314m in 2010-11, 250m in 2015-16 and 233m in 2017-18 are published; the years "
                   "between are interpolated (modelled). The service's figures before 2015-16 are modelled.")
    st.subheader("Savings against net expenditure", anchor="savings")
    net = ui.run("annual_by_borough", metrics=["net_expenditure"], borough=None)
    st.table(priorities.savings_table(net, priorities.SAVINGS).style.format(
        {"Net expenditure (£)": "£{:,.0f}", "Saving (£)": "£{:,.0f}", "Saving as % of net expenditure": "{:.1f}%"}),
        hide_index=True)
    st.caption("Savings: about £400,000 a year for Bexley and £370,000 for Bromley (gov.uk case study), "
               "shown from 2012-13, the first full year of the shared service.")

with tabs[4]:
    st.subheader("Before and after any event", anchor="any")
    candidates = {e.event_id: e for e in events.itertuples() if e.borough != "Both boroughs"}
    chosen = st.selectbox("Event", list(candidates), key="any_event",
                          format_func=lambda i: views.event_label(candidates[i]))
    views.intervention(candidates[chosen], "any")
