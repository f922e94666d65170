"""Branches: one branch's profile, its months against last year, where it stands, and how complete it is."""
import streamlit as st

from libstats import branch as branch_view
from libstats import export, filters, formats, overview, periods, ui
from libstats.content import branches as content

selection = filters.current()
fy, previous_fy = selection.fy, selection.previous_fy
branches = ui.run("branches")
borough_of = dict(zip(branches["branch"], branches["borough"]))
wanted = st.query_params.get("branch")
in_scope = branches[branches["borough"].isin([selection.borough] if selection.borough else ["Bexley", "Bromley"])]
central = in_scope[in_scope["short_name"] == "Central"]["branch"]
named = filters.match(wanted, list(branches["branch"]))
# The picker offers the scope's branches, grouped by borough (not every branch in the warehouse: 2,974 at
# national scale), in the query's order; a link to a branch of the other borough still opens it, listed with the scope's.
options = list(in_scope["branch"])
if named is not None and named not in options:
    options.append(named)
default = named or (central.iloc[0] if len(central) else in_scope["branch"].iloc[0])
if named is None:
    filters.say_what_the_link_opened("branch", wanted, default)
name = st.selectbox("Branch", options, index=options.index(default), key="branch",
                    format_func=lambda b: f"{borough_of[b]} · {b}", help="Grouped by borough. The link keeps the branch.")
st.query_params["branch"] = name
info = branches.set_index("branch").loc[name]

st.title(f"{name}: {fy}")
facts = {
    "Borough": info["borough"], "Type": info["branch_type"], "Statutory": "yes" if info["statutory"] else "no",
    "In the return until": "still reporting" if info.isna()["reports_until"] else f"{info['reports_until']:%d %B %Y}",
}
st.markdown(" · ".join(f"**{label}:** {value}" for label, value in facts.items()))
if isinstance(info["note"], str):
    st.write(info["note"])

catalogue = ui.run("metric_catalogue")
figures = ui.run("branch_figures", branch=name)
year_figures = figures[figures["fy"].isin([fy, previous_fy])]

st.header(f"Month by month, {fy} against {previous_fy}", anchor="months")
has = set(figures["metric"])
available = [m for m in catalogue["metric"] if m in has]
if year_figures.empty:
    st.info(f"{name} has no figures for {fy} or {previous_fy}.")
else:
    labels = branch_view.label_of(catalogue)
    metric = st.columns(3)[0].selectbox("Measure", available, key="branch_measure", format_func=labels.get)
    months = ui.computed(content.month_by_month, name, fy, previous_fy, metric)
    ui.show(months.chart, meeting=selection.meeting)
    st.caption(months.note)
    # How each month was counted (a return's Count type), and any sampled counts, which no month holds (issue 18).
    counted = periods.counted_lines(ui.run("branch_methods", branch=name, fy=fy), ui.run("branch_samples", branch=name),
                                    labels, fy)
    if counted:
        st.markdown("**How the figures were counted**")
        for line in counted:
            st.write(ui.plain(line))
    every_measure = months.every_measure.frame
    st.markdown(f"**{months.every_measure.title}**")
    st.dataframe(every_measure, hide_index=True, width="stretch",
                 key="branch_month_table", alt="Every measure, month by month",
                 column_config={c: st.column_config.NumberColumn(format="localized") for c in every_measure.columns
                                if c not in ("Measure", "Source", "Change (%)")})

st.header("Where the branch stands", anchor="standing")
standing = ui.computed(content.standing, name, fy)
if standing.frame.empty:
    st.write(f"{name} has no visits or book issues in {fy} to rank" +
             (" (a digital library has no branch to visit)." if info["branch_type"] == "digital" else "."))
else:
    st.table(standing.frame, hide_index=True, alt=standing.title)

left, right = st.columns(2)
with left:
    st.header("Opening hours and status", anchor="hours")
    st.table(branch_view.periods_table(ui.run("branch_periods", branch=name)), hide_index=True,
             alt="Opening hours and status")
with right:
    st.header("Events", anchor="events")
    events = ui.run("branch_events", branch=name)
    if events.empty:
        st.write("No events are recorded for this branch.")
    else:
        ui.table(overview.events_table(events.assign(borough=info["borough"], branch=name)).drop(columns=["Where"]),
                 "Events", key="branch_events")

st.header(f"Data completeness, {fy}", anchor="completeness")
complete = ui.computed(content.completeness, name, fy, previous_fy)
st.write(complete.sentence)
with st.expander(complete.grid.title):
    st.table(complete.grid.frame, hide_index=True, alt=complete.grid.title)
flags = ui.quality_register(name)
flags = flags[flags["Month"].isin(complete.months)]
if flags.empty:
    st.write(f"No figure of {fy} fails a data-quality check.")
else:
    st.write(f"{formats.plural(len(flags), 'figure')} of {fy} {formats.verb(len(flags), 'fails', 'fail')} a "
             f"data-quality check ({formats.number((flags['Status'] == 'open').sum())} still open): see the Data "
             "page's register.")
    st.dataframe(flags.drop(columns=["Branch", "Borough"]), hide_index=True, width="stretch", key="branch_flags",
                 alt="Figures failing a data-quality check")
st.caption(complete.provenance_note)

st.header("Download", anchor="download")
left, right = st.columns(2)
file_stem = name.lower().replace(" ", "_").replace("(", "").replace(")", "").replace("'", "")
left.download_button("Download every figure (CSV)", lambda: export.to_csv(export.with_source(figures)), f"{file_stem}_figures.csv",
                     "text/csv", key="branch_csv", width="stretch")
right.download_button("Download every figure (Excel)", lambda: export.to_excel(export.with_source(figures), name), f"{file_stem}_figures.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="branch_xlsx",
                      width="stretch")
