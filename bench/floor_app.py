"""The floor: what Streamlit itself costs for one selectbox and one small Plotly chart (no data, no queries)."""
import plotly.graph_objects as go
import streamlit as st

MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
SERIES = [f"Series {i}" for i in range(1, 13)]

choice = st.selectbox("Series", SERIES, key="choice")
k = SERIES.index(choice) + 1
figure = go.Figure(go.Scatter(x=list(MONTHS), y=[(k * 7 + i * 3) % 11 + 5 for i in range(12)],
                              mode="lines+markers", name=choice))
figure.update_layout(title=f"{choice}, month by month", height=440)
st.plotly_chart(figure, key="floor_chart", width="stretch")
