"""Peers: Bexley and Bromley beside the outer-London comparison group, from the published 2015-16 returns."""
import streamlit as st

from libstats import filters, ui
from libstats.content import peers as content

selection = filters.current()
st.title("Peer comparison, 2015-16")
st.write("The published CIPFA returns for 2015-16 set Bexley and Bromley (marked ◆ and hatched) beside the "
         "outer-London comparison group. Only 2015-16 is held for every authority, whatever year is chosen.")
for shown in ui.computed(content.page, "2015-16").charts:
    ui.show(shown, meeting=selection.meeting)
st.caption("Visits per 1,000 population use approximate mid-2015 population estimates (modelled); every other "
           "figure is published. The group: the outer-London boroughs with a 2015-16 return, with Greenwich "
           "and Lewisham, which the reference lists as peers (21 authorities). The reference's own medians are "
           "for a 13-borough group whose members it does not name (cost per visit £2.85, issues per visit 0.80, "
           "PC utilisation 36%), so they differ a little from these.")
