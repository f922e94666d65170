"""Year on year: any measure, this financial year against the last (like for like), and across every year."""
import streamlit as st

from libstats import charts, filters, overview, ui, yoy

selection = filters.current()
fy, previous_fy, borough = selection.fy, selection.previous_fy, selection.borough
measures = yoy.explorer_measures(ui.run("metric_catalogue"))
branches = ui.run("branches")
in_scope = branches if borough is None else branches[branches["borough"] == borough]

st.title(f"Year on year: {fy} against {previous_fy}")
left, middle, right = st.columns([2, 3, 1.3], vertical_alignment="bottom")
measure = measures[left.selectbox("Measure", list(measures), key="yoy_measure",
                                  format_func=lambda code: measures[code].label)]
chosen = middle.multiselect(
    "Branches (leave empty for the whole scope)", list(in_scope["branch"]), key="yoy_branches",
    disabled=measure.kind == "annual", placeholder="All branches of the service" if borough is None else f"All branches in {borough}",
    help="Annual figures such as active borrowers exist only for a whole borough." if measure.kind == "annual" else None)
like_for_like = right.toggle("Like for like", value=True, key="yoy_like_for_like",
                             help="Compare only branches open and reporting in every compared month of both years.")
scope_name = ", ".join(chosen) if chosen else selection.scope
with st.popover(f"What is “{measure.label}”?"):
    st.write(measure.note or measure.label)
    if not measure.additive:
        st.write("This measure does not add up across months or branches, so it is never summed: "
                 + ("each borough's annual figure is shown as it is." if measure.kind == "annual"
                    else "it is worked out from the totals of its parts."))

events = ui.run("events_all", borough=borough)
events = events.assign(number=range(1, len(events) + 1))
target_scope = None if chosen else ("Service" if borough is None else borough)
targets = ui.run("targets_for", metric=measure.code, scope=target_scope) if target_scope else None

if measure.kind == "annual":
    annual = ui.run("annual_by_borough", metrics=[measure.code], borough=borough)
    view = yoy.annual_view(annual, measure, fy, previous_fy)
    st.subheader(view.headline, anchor="headline")
    st.caption(view.explanation)
    for column, (name, text, delta) in zip(st.columns(len(view.tiles)), view.tiles):
        column.metric(name, text, delta, border=True, delta_color="normal" if measure.higher_is_better else "inverse")
    ui.chart(charts.trend(view.trend, measure.label, f"{measure.label} across the years", view.value_format,
                          events=events[events["date_precision"] != "year"], targets=targets),
             "yoy_trend", view.summary, view.trend_table)
    st.stop()

months = list(ui.run("months_in_year", fy=fy, borough=borough)["month_number"])
if not months:
    st.warning(f"There are no figures for {fy} yet.")
    st.stop()
per_branch = ui.run("branch_year_totals", fys=[previous_fy, fy], metrics=measure.metrics, borough=borough, months=months)
if chosen:
    per_branch = per_branch[per_branch["branch"].isin(chosen)]
counted = per_branch[per_branch["metric"].isin(measure.numerator)]
included, excluded = yoy.like_for_like(counted.groupby(["branch", "fy"], as_index=False)["months"].max(),
                                       branches, fy, previous_fy, len(months))
comparison = yoy.compare(per_branch, measure, fy, previous_fy, included, excluded)

st.subheader(yoy.headline(measure, comparison, scope_name, like_for_like), anchor="headline")
if len(months) < 12:
    st.info(f"{fy} is a part year: year to date ({len(months)} months) against the same months of {previous_fy}.")
tiles = st.columns(4)
for column, (name, pair) in zip(tiles, (("As reported", comparison.reported), ("Like for like", comparison.like_for_like))):
    change = yoy.Comparison.change(pair)
    delta = (yoy.points_phrase(pair[0], pair[1], previous_fy) if measure.unit == "%"
             else None if change is None else f"{change * 100:+.1f}% on {previous_fy}")
    column.metric(f"{name}, {fy}", measure.value_text(pair[0]), delta, border=True,
                  delta_color="normal" if measure.higher_is_better else "inverse",
                  help=f"{previous_fy}: {measure.value_text(pair[1])}")
status = yoy.target_status(targets, fy, comparison.reported[0], measure) if targets is not None else None
if status:
    tiles[2].metric(f"Target {fy}", status.target_text, status.gap_text, border=True,
                    delta_color="normal", help=status.note)
    tiles[2].caption(status.verdict)
if not excluded.empty:
    with st.expander(f"{len(excluded)} branch(es) left out of the like-for-like comparison, and why",
                     expanded=like_for_like):
        st.table(excluded, hide_index=True)

compared = included if like_for_like else sorted(per_branch["branch"].unique())
monthly = yoy.combine(ui.run("branch_monthly_totals", fys=[previous_fy, fy], metrics=measure.metrics,
                             branches=compared), measure, ["fy", "month"])
monthly_title = f"{measure.label} month by month: {fy} against {previous_fy}" + (", like for like" if like_for_like else "")
ui.chart(charts.fy_overlay(monthly, fy, previous_fy, measure.label, measure.unit, monthly_title,
                           value_format=yoy.value_format(measure)),
         "yoy_monthly", overview.chart_summary(measure, monthly, fy, scope_name, measure.value_text),
         overview.monthly_table(monthly, fy, previous_fy))
st.caption(overview.monthly_provenance_note(monthly, [fy, previous_fy]))

trends = ui.run("branch_trends", metrics=measure.metrics, borough=borough)
if chosen:
    trends = trends[trends["branch"].isin(chosen)]
yearly = yoy.yearly(trends, measure, scope_name)
ui.chart(charts.trend(yearly, measure.label, f"{measure.label} across the years: {scope_name}, as reported",
                      yoy.value_format(measure), events[events["date_precision"] != "year"], targets),
         "yoy_trend", yoy.trend_summary(yearly, measure), yoy.trend_table(yearly, measure))
with st.expander("Events on the chart"):
    st.table(overview.events_table(events.drop(columns=["number"])), hide_index=True)

st.subheader("Branches", anchor="branches")
table = yoy.branch_table(per_branch, measure, fy, previous_fy, dict(zip(branches["branch"], branches["borough"])),
                         yoy.branch_trends(trends, measure))
st.dataframe(table, hide_index=True, width="stretch", key="yoy_ranking",
             column_config=ui.ranking_columns(fy, previous_fy, yoy.value_format(measure)))
if measure.kind == "sum":
    movers = yoy.drivers(table, included if like_for_like else list(table["Branch"]))
    if not movers.empty:
        ui.chart(charts.diverging_bars(movers, yoy.drivers_title(movers, measure, previous_fy), measure.unit or "units"),
                 "yoy_drivers", yoy.drivers_summary(movers, measure, previous_fy), movers)

st.subheader("In proportion", anchor="normalised")
if measure.kind == "sum":
    if chosen:
        hours = ui.run("branch_opening_hours", fys=[previous_fy, fy], borough=borough)
        rates = yoy.per_opening_hour(per_branch, hours[hours["branch"].isin(chosen)], measure, fy, previous_fy)
        label = f"{measure.label} per opening hour"
    else:
        rates = yoy.per_population(per_branch, ui.run("population_by_year", fys=[previous_fy, fy], borough=borough),
                                   measure, fy, previous_fy)
        label = f"{measure.label} per 1,000 population"
    st.metric(label, rates.value_text, rates.change_text, border=True, width=320,
              help=rates.note, delta_color="normal" if measure.higher_is_better else "inverse")
ratios = ui.run("branch_year_totals", fys=[previous_fy, fy], metrics=yoy.RATIO_METRICS, borough=borough, months=months)
if chosen:
    ratios = ratios[ratios["branch"].isin(chosen)]
st.table(yoy.ratio_table(ratios, measures, fy, previous_fy), hide_index=True)
st.caption("Ratios are worked out from totals (all book issues ÷ all visits), never by adding up ratios. "
           "These use every branch as reported.")
