"""The floor with a page's worth of elements around it: a control for issue 19's browser targets.

The floor's selectbox and chart, plus what a dashboard page draws around its chart but computes nothing for:
BENCH_ELEMENTS (default 50) elements laid out as the Overview lays out its 51 (tiles with their captions in
columns, headers, a sentence, an expander with a small table, sidebar controls). The tiles' figures change with
the choice, as a page's do. No data, no queries: what this costs over the floor is Streamlit's own cost of the
elements, the part of a page's time that no query or cache can take away (bench/elements.py measures it).
"""
import os

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
SERIES = [f"Series {i}" for i in range(1, 13)]
WANTED = int(os.environ.get("BENCH_ELEMENTS", "50"))

count = 0


def element(draw, *args, **kwargs):
    """Draw one element if the page has not had its number yet."""
    global count
    if count < WANTED:
        count += 1
        return draw(*args, **kwargs)
    return None


with st.sidebar:
    element(st.selectbox, "Financial year", ["2016-17", "2015-16"], key="side_year")
    element(st.radio, "Scope", ["Whole service", "Bexley", "Bromley"], key="side_scope")
    element(st.toggle, "Meeting mode", key="side_meeting")
    element(st.button, "Sign in")
    element(st.caption, "Figures as of the last import.")
choice = st.selectbox("Series", SERIES, key="choice")
k = SERIES.index(choice) + 1
element(st.title, f"{choice}: the year at a glance")
rows = 0
while count < WANTED - 8 and rows < 6:
    rows += 1
    columns = st.columns(4)
    count += 1                                     # the row of columns is an element of its own
    for i, column in enumerate(columns):
        if count >= WANTED - 8:
            break
        element(column.metric, f"Measure {rows}.{i}", f"{(k * 7919 + rows * 31 + i) % 100000:,}", f"+{k + i}.0%",
                border=True)
        element(column.caption, "◐ Part modelled")
element(st.header, "Month by month")
figure = go.Figure(go.Scatter(x=list(MONTHS), y=[(k * 7 + i * 3) % 11 + 5 for i in range(12)],
                              mode="lines+markers", name=choice))
figure.update_layout(title=f"{choice}, month by month", height=440)
st.plotly_chart(figure, key="floor_chart", width="stretch")
element(st.caption, f"{choice} was highest in month {k % 12 + 1}.")
with st.expander("The numbers behind this chart"):
    element(st.table, pd.DataFrame({"Month": MONTHS, "Value": [(k * 7 + i * 3) % 11 + 5 for i in range(12)]}))
element(st.header, "Events")
element(st.table, pd.DataFrame({"Date": ["2016-05-01", "2016-09-12"], "Event": ["Opened", "Closed for works"]}))
while count < WANTED:
    element(st.caption, f"Note {count} on {choice}.")
