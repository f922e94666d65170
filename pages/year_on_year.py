"""Year on year: any measure, this financial year against the last (like for like), and across every year."""
import streamlit as st

from libstats import catalogue, filters, ui, yoy
from libstats import provenance as prov
from libstats.content import year_on_year as content

selection = filters.current()
fy, previous_fy, borough = selection.fy, selection.previous_fy, selection.borough
measures = catalogue.measures(ui.run("metric_catalogue"))
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
with st.popover(f"What is “{measure.label}”?"):
    st.write(measure.note or measure.label)
    if not measure.additive:
        st.write("This measure does not add up across months or branches, so it is never summed: "
                 + ("each borough's annual figure is shown as it is." if measure.kind == "annual"
                    else "it is worked out from the totals of its parts."))

def open_branch(name: str) -> None:
    """The chosen branch's own page, for the same year and scope (a merged unit's: its successor's)."""
    st.switch_page("pages/branches.py", query_params={"fy": fy, "scope": selection.scope, "branch": yoy.branch_page(name)})


# Each part of the page is worked out by libstats/content/year_on_year.py and cached on its choice and the data version.
choice = (fy, previous_fy, borough)
branches_chosen = tuple(chosen) if measure.kind != "annual" else ()
page = ui.computed(content.summary, measure.code, *choice, selection.scope, branches_chosen, like_for_like)
if page.notice:
    st.warning(page.notice)
    st.stop()
st.header(page.headline, anchor="headline")
if page.explanation:
    st.caption(page.explanation)
if page.part_year:
    st.info(page.part_year)
delta_color = "normal" if measure.higher_is_better else "inverse"
columns = st.columns(len(page.tiles) if measure.kind == "annual" else 4)
for column, tile in zip(columns, page.tiles):
    column.metric(tile.label, tile.value, tile.delta, border=True, delta_color=delta_color, help=tile.help)
    if tile.caption:
        column.caption(tile.caption)
if page.target_tile:
    columns[2].metric(page.target_tile.label, page.target_tile.value, page.target_tile.delta, border=True,
                      delta_color="normal", help=page.target_tile.help)
    columns[2].caption(page.target_tile.caption)
if page.excluded is not None and not page.excluded.empty:
    many = len(page.excluded) > 12            # at national scale: a scrolling grid, closed until asked for
    with st.expander(f"{len(page.excluded)} {'branch' if len(page.excluded) == 1 else 'branches'} left out of the "
                     "like-for-like comparison, and why",
                     expanded=like_for_like and not many):
        if many:
            st.dataframe(page.excluded, hide_index=True, width="stretch", key="yoy_excluded",
                         alt="Branches left out of the like-for-like comparison")
        else:
            st.table(page.excluded, hide_index=True, alt="Branches left out of the like-for-like comparison")
if measure.kind == "annual":
    ui.show(page.trend, meeting=selection.meeting)
    st.stop()

# Four views of the choice; only the open one runs and is drawn, so a change of measure redraws one chart.
sections = st.tabs(["Month by month", "Across the years", "Branches", "In proportion"], key="yoy_section",
                   on_change="rerun")
with sections[0]:
    if sections[0].open:
        shown, note = ui.computed(content.monthly, measure.code, *choice, selection.scope, branches_chosen,
                                  like_for_like)
        ui.show(shown, meeting=selection.meeting)
        st.caption(note)
with sections[1]:
    if sections[1].open:
        shown, events = ui.computed(content.across_years, measure.code, borough, selection.scope, branches_chosen)
        ui.show(shown, meeting=selection.meeting)
        with st.expander("Events on the chart"):
            ui.table(events, "Events on the chart", key="yoy_events")
with sections[2]:
    if sections[2].open:
        ranking, value_format, drivers = ui.computed(content.branches, measure.code, *choice, branches_chosen,
                                                     like_for_like)
        st.header("Branches", anchor="branches")
        # Drill down: a row of the ranking, a bar of the drivers chart, or the link below opens the branch's page.
        ranked = st.dataframe(ranking, hide_index=True, width="stretch", key="yoy_ranking",
                              column_config=ui.ranking_columns(fy, previous_fy, value_format),
                              on_select="rerun", selection_mode="single-row",
                              alt=f"Branches ranked by {measure.label.lower()}, {fy} against {previous_fy}")
        if ranked.selection.rows:
            open_branch(ranking["Branch"].iloc[ranked.selection.rows[0]])
        if len(ranking):
            picked = st.selectbox("Open a branch's page", list(ranking["Branch"]), key="yoy_open_branch",
                                  help="Or choose a row of the table, or a bar of the chart below.")
            st.page_link("pages/branches.py", label=f"Open {ui.plain(yoy.branch_page(picked))}: {fy}",
                         icon=":material/local_library:",
                         query_params={"fy": fy, "scope": selection.scope, "branch": yoy.branch_page(picked)})
        if drivers:
            clicked = ui.show(drivers, on_select="rerun", meeting=selection.meeting)
            points = clicked.selection.points if clicked else []
            if points and points[0].get("y") in set(ranking["Branch"]):
                open_branch(points[0]["y"])
with sections[3]:
    if sections[3].open:
        st.header("In proportion", anchor="normalised")
        rate = ui.computed(content.proportions, measure.code, *choice, branches_chosen)
        if rate:
            label, value = rate
            st.metric(label, value.value_text, value.change_text, border=True, width=320, help=value.note,
                      delta_color=delta_color)
            st.caption(prov.badge(value.provenance))
        st.table(ui.computed(content.ratios, *choice, branches_chosen), hide_index=True, alt="Ratios, both years")
        st.caption("Ratios are worked out from totals (all book issues ÷ all visits), never by adding up ratios. "
                   "These use every branch as reported.")
