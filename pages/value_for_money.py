"""Value for money: what each borough spends, what it costs per use, and its staff and volunteers."""
import streamlit as st

from libstats import filters, ui
from libstats.content import value_for_money as content

selection = filters.current()
fy, borough = selection.fy, selection.borough
st.title(f"Value for money: {selection.scope}, {fy}")

page = ui.computed(content.page, fy, selection.previous_fy, borough)
for row in page.tiles:
    st.header(f"{row.name}, {fy}", anchor=f"vfm_{row.name.lower()}")
    for column, tile in zip(st.columns(len(row.tiles)), row.tiles):
        ui.tile(column, tile)
    st.caption(f"Source: {row.source}. Costs per head use the mid-year population (mostly modelled).")
if page.tiles_note:
    st.caption(page.tiles_note)

st.header("Cost per visit across the years", anchor="trend")
ui.show(page.trend, meeting=selection.meeting)

st.header(page.table.title, anchor="table")
st.dataframe(page.table.frame, hide_index=True, width="stretch", key="vfm_table", alt="Value for money, both boroughs",
             column_config={c: st.column_config.NumberColumn(format=content.column_format(c))
                            for c in page.table.frame.columns if c not in ("Borough", "Financial year", "Source")})
st.caption("Staff FTE: each borough's return leaves out staff employed by the other borough, so the two do not "
           "add up to a service total and neither counts everyone who works for it. No budget or target for "
           "these figures is held in the warehouse.")
