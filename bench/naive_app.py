"""The naive approach: the Overview (headline figures for a year and scope, and the months against the
year before) recomputed with pandas from CSV files on every rerun, as most Streamlit dashboards do.

The CSVs (monthly_figures.csv, annual_figures.csv, population.csv) are exported from a warehouse by
bench/run.py into the folder NAIVE_DATA_DIR names. No st.cache_data: every rerun reads every file.
"""
import os
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

DATA = Path(os.environ["NAIVE_DATA_DIR"])
SCOPES = ("Whole service", "Bexley", "Bromley")
BOOKS = ["issues_adult_fiction", "issues_adult_nonfiction", "issues_children_fiction", "issues_children_nonfiction"]
MEASURES = {"visits": ("Visits", ["visits"]), "book_issues": ("Book issues", BOOKS),
            "issues_av_e": ("AV and e-issues", ["issues_av_e"]), "enquiries": ("Enquiries", ["enquiries"])}
MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")

st.set_page_config(page_title="Naive overview", layout="wide")

monthly = pd.read_csv(DATA / "monthly_figures.csv", parse_dates=["month"])   # borough, branch, month, metric, value, provenance
annual = pd.read_csv(DATA / "annual_figures.csv")                          # borough, fy, metric, value, provenance
population = pd.read_csv(DATA / "population.csv")                          # borough, fy, population, provenance, source

start = monthly["month"].dt.year - (monthly["month"].dt.month < 4)
monthly["fy"] = start.astype(str) + "-" + ((start + 1) % 100).astype(str).str.zfill(2)
counts = monthly.groupby("fy")["month"].nunique()
years = list(counts.index)
complete = [y for y in years if counts[y] == 12]
wanted_fy = st.query_params.get("fy")
wanted_scope = st.query_params.get("scope")
fy = st.sidebar.selectbox("Financial year", years, key="fy",
                          index=years.index(wanted_fy) if wanted_fy in years else years.index(complete[-1]))
scope = st.sidebar.radio("Scope", SCOPES, key="scope",
                         index=SCOPES.index(wanted_scope) if wanted_scope in SCOPES else 0)
previous_fy = f"{int(fy[:4]) - 1}-{fy[2:4]}"

if scope != "Whole service":
    monthly = monthly[monthly["borough"] == scope]
    annual = annual[annual["borough"] == scope]
    population = population[population["borough"] == scope]
two_years = monthly[monthly["fy"].isin([previous_fy, fy])]
totals = two_years.groupby(["fy", "metric"])["value"].sum()
annual_totals = annual[annual["fy"].isin([previous_fy, fy])].groupby(["fy", "metric"])["value"].sum()
people = population[population["fy"].isin([previous_fy, fy])].groupby("fy")["population"].sum()


def headline(year: str) -> dict:
    t = totals.get(year, pd.Series(dtype=float))
    a = annual_totals.get(year, pd.Series(dtype=float))
    visits = t.get("visits", 0.0)
    return {
        "Visits": visits,
        "Book issues": sum(t.get(m, 0.0) for m in BOOKS),
        "Active borrowers": a.get("active_borrowers"),
        "Visits per 1,000 population": visits / people[year] * 1000 if year in people.index else None,
        "PC utilisation": t.get("pc_hours_used", 0.0) / t["pc_hours_available"] if t.get("pc_hours_available") else None,
        "Net cost per visit": a.get("net_expenditure", 0.0) / visits if visits else None,
    }


st.title(f"{scope}: {fy} at a glance")
this, last = headline(fy), headline(previous_fy)
for row in (list(this)[:3], list(this)[3:]):
    for column, label in zip(st.columns(3), row):
        value, before = this[label], last[label]
        change = None if value is None or not before else f"{(value / before - 1) * 100:+.1f}% on {previous_fy}"
        text = "no figure" if value is None else f"{value:.1%}" if label == "PC utilisation" else \
            f"£{value:,.2f}" if label.startswith("Net") else f"{value:,.0f}"
        column.metric(label, text, change, border=True)

code = st.columns(3)[0].selectbox("Measure", list(MEASURES), key="measure", format_func=lambda c: MEASURES[c][0])
label, parts = MEASURES[code]
series = two_years[two_years["metric"].isin(parts)].groupby(["fy", "month"], as_index=False)["value"].sum()
figure = go.Figure()
for year in (previous_fy, fy):
    rows = series[series["fy"] == year].sort_values("month")
    figure.add_trace(go.Scatter(x=list(MONTHS)[:len(rows)], y=rows["value"], name=year, mode="lines+markers"))
figure.update_layout(title=f"{label} month by month: {fy} against {previous_fy}", height=440)
st.plotly_chart(figure, key="naive_chart", width="stretch")
