"""Overview: one financial year's headline figures against the year before, its months and its events."""
import urllib.parse

import streamlit as st

from libstats import filters, metrics, overview, ui
from libstats import provenance as prov

selection = filters.current()
fy, previous_fy, borough, scope = selection.fy, selection.previous_fy, selection.borough, selection.scope

st.title(f"{scope}: {fy} at a glance")
months = list(ui.run("months_in_year", fy=fy, borough=borough)["month_number"])
if not months:
    st.warning(f"There are no figures for {fy} for {scope.lower()} yet.")
    st.stop()
if len(months) < 12:
    st.info(f"{fy} is a part year ({len(months)} months so far): every change is against the same "
            f"months of {previous_fy}.")

totals = ui.run("year_totals", fys=[previous_fy, fy], metrics=metrics.headline_metrics(),
                borough=borough, months=months)
population = ui.run("population_by_year", fys=[previous_fy, fy], borough=borough)
# People are never added across boroughs: the whole service's active borrowers tile shows each borough's.
borrowers = None if borough else {b: ui.run("year_totals", fys=[previous_fy, fy], metrics=["active_borrowers"],
                                            borough=b, months=months) for b in ("Bexley", "Bromley")}
tiles = metrics.headline_tiles(totals, population, fy, previous_fy, borrowers, months=len(months))

st.header("Headline figures", anchor="headlines")


def show_tile(tile: metrics.Tile, label: str) -> None:
    direction = "normal" if tile.headline.higher_is_better else "inverse"
    st.metric(
        label, tile.value_text, delta=tile.delta_text, border=True,
        delta_color="off" if tile.is_flat or tile.change is None else direction,
        delta_arrow="off" if tile.is_flat else "auto",
        help=f"{tile.headline.help} {tile.source_text}",
    )
    if tile.withheld:
        st.caption(tile.withheld)
        return
    st.caption(f"{tile.badge} · {previous_fy}: {prov.words(tile.previous_provenance)}")


for row in (tiles[:3], tiles[3:]):
    for column, tile in zip(st.columns(3), row):
        with column:
            # a tile of people for the whole service is each borough's tile, one above the other (never a sum)
            for name, part in tile.parts or (("", tile),):
                show_tile(part, f"{tile.headline.label}, {name}" if name else tile.headline.label)
# A borough total that moves because libraries left or joined its return is a change of scope, not of use.
events = ui.run("events_in_year", fy=fy, borough=borough)
for change in events[events["kind"] == "scope"].itertuples():
    like_for_like = f"/year_on_year?fy={fy}&scope={urllib.parse.quote(scope)}"
    st.warning(f"Part of the change on {previous_fy} is a change of scope, not of use: {change.title} "
               f"({change.borough}). [Compare like for like]({like_for_like}): the same libraries in both years.",
               icon=":material/warning:")
if borough is None:
    st.caption("Active borrowers are shown for each borough, never added: someone who borrows in both "
               "boroughs would count twice in a sum.")



@st.fragment
def month_by_month() -> None:
    """The chart of one measure: choosing another reruns only this fragment, not the page."""
    st.header("Month by month against the year before", anchor="months")
    measures = overview.monthly_measures()
    measure = measures[st.columns(3)[0].selectbox(
        "Measure", list(measures), key="overview_measure", format_func=lambda code: measures[code].label,
    )]
    shown, note = ui.computed(overview.month_by_month, measure.code, fy, previous_fy, borough, scope, tuple(months))
    ui.show(shown, meeting=selection.meeting)
    st.caption(note)


month_by_month()
st.header(f"What happened in {fy}", anchor="events")
if events.empty:
    st.write(f"No events are recorded for {fy}.")
else:
    st.table(overview.events_table(events), hide_index=True, alt=f"Events of {fy}")
    st.caption("Numbers match the diamonds on the chart; events known only to the year are listed, not drawn.")
