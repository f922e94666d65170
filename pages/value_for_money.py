"""Value for money: what each borough spends, what it costs per use, and its staff and volunteers."""
import streamlit as st

from libstats import charts, filters, metrics, ui, vfm

selection = filters.current()
fy, borough = selection.fy, selection.borough
st.title(f"Value for money: {selection.scope}, {fy}")

finance = ["total_expenditure", "income", "net_expenditure", "staff_fte", "volunteers", "volunteer_hours"]
table = vfm.value_table(ui.run("annual_by_borough", metrics=finance, borough=None),
                        ui.run("yearly_by_borough", metrics=["visits", *metrics.BOOK_CATEGORIES]),
                        ui.run("population_all"))
shown = table if borough is None else table[table["Borough"] == borough]

TILES = (("Net expenditure", "Net expenditure (£)", "£{:,.0f}"), ("Net cost per visit", "Net cost per visit (£)", "£{:,.2f}"),
         ("Net cost per book issue", "Net cost per book issue (£)", "£{:,.2f}"), ("Net cost per head", "Net cost per head (£)", "£{:,.2f}"))
for row in shown[shown["Financial year"] == fy].to_dict("records"):
    st.subheader(f"{row['Borough']}, {fy}", anchor=f"vfm_{row['Borough'].lower()}")
    before = shown[(shown["Borough"] == row["Borough"]) & (shown["Financial year"] == selection.previous_fy)]
    for column, (label, field, fmt) in zip(st.columns(4), TILES):
        last = before[field].iloc[0] if len(before) else None
        change = None if last in (None, 0) else f"{(row[field] / last - 1) * 100:+.1f}% on {selection.previous_fy}"
        column.metric(label, fmt.format(row[field]), change, delta_color="inverse", border=True)
    st.caption(f"Source: {row['Source']}. Costs per head use the mid-year population (mostly modelled).")

st.subheader("Cost per visit across the years", anchor="trend")
trend = table[["Borough", "Financial year", "Net cost per visit (£)", "Source"]].rename(
    columns={"Borough": "series", "Financial year": "fy", "Net cost per visit (£)": "value", "Source": "provenance"})
trend = trend[trend["series"].isin(shown["Borough"].unique())].assign(months=12)
ui.chart(charts.trend(trend, "Net cost per visit (£)", "Net cost per visit, by borough and year", ",.2f"),
         "vfm_trend", "Net expenditure divided by visits for each year; hollow markers are modelled years.",
         trend.drop(columns=["months"]).assign(value=trend["value"].round(2)))

st.subheader("Every year", anchor="table")
st.dataframe(shown, hide_index=True, width="stretch", key="vfm_table", column_config={
    c: st.column_config.NumberColumn(format="£%.2f" if "per" in c else "£%,.0f" if "£" in c else "localized")
    for c in shown.columns if c not in ("Borough", "Financial year", "Source")})
st.caption("Staff FTE: each borough's return leaves out staff employed by the other borough, so the two do not "
           "add up to a service total and neither counts everyone who works for it. No budget or target for "
           "these figures is held in the warehouse.")
