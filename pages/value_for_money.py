"""Value for money: what each borough spends, what it costs per use, and its staff and volunteers."""
import streamlit as st

from libstats import filters, ui, vfm

selection = filters.current()
fy, borough = selection.fy, selection.borough
st.title(f"Value for money: {selection.scope}, {fy}")

page = ui.computed(vfm.page, fy, selection.previous_fy, borough)
for name, tiles, source in page.tiles:
    st.header(f"{name}, {fy}", anchor=f"vfm_{name.lower()}")
    for column, (label, value, change) in zip(st.columns(len(tiles)), tiles):
        column.metric(label, value, change, delta_color="inverse", border=True)
    st.caption(f"Source: {source}. Costs per head use the mid-year population (mostly modelled).")
if page.tiles_note:
    st.caption(page.tiles_note)

st.header("Cost per visit across the years", anchor="trend")
ui.show(page.trend, meeting=selection.meeting)

st.header("Every year", anchor="table")
st.dataframe(page.table, hide_index=True, width="stretch", key="vfm_table", alt="Value for money, both boroughs", column_config={
    c: st.column_config.NumberColumn(format="£%.2f" if "per" in c else "£%,.0f" if "£" in c else "localized")
    for c in page.table.columns if c not in ("Borough", "Financial year", "Source")})
st.caption("Staff FTE: each borough's return leaves out staff employed by the other borough, so the two do not "
           "add up to a service total and neither counts everyone who works for it. No budget or target for "
           "these figures is held in the warehouse.")
