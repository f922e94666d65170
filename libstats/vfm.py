"""Value for money and the peer comparison: costs per use, staff and volunteers, the outer-London group. Pure pandas."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from libstats import catalogue, formats
from libstats import provenance as prov

# The peer comparison's measures (catalogue codes) and the places its charts write them to (None: the catalogue's;
# a share is written in whole per cents there, as the CIPFA comparison tables do).
PEER_MEASURES = {"visits_per_1000": None, "issues_per_visit": None, "net_cost_per_visit": None, "pc_utilisation": 0}
OURS = ("Bexley", "Bromley")


def value_table(annual: pd.DataFrame, yearly: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Per borough and year: spending, income, net, cost per visit / issue / head, staff and volunteers.

    annual: borough, fy, metric, value, provenance. yearly: borough, fy, metric, value, provenance, months
    (monthly metrics added up). population: borough, fy, population, provenance.
    """
    a = annual.pivot_table(index=["borough", "fy"], columns="metric", values="value", aggfunc="sum")
    y = yearly.assign(metric=yearly["metric"].where(~yearly["metric"].isin(catalogue.BOOK_ISSUES), "book_issues")) \
        .pivot_table(index=["borough", "fy"], columns="metric", values="value", aggfunc="sum")
    p = population.set_index(["borough", "fy"])["population"]
    provenance = pd.concat([annual[["borough", "fy", "provenance"]], yearly[["borough", "fy", "provenance"]]]) \
        .groupby(["borough", "fy"])["provenance"].agg(lambda v: prov.text(prov.combine(*v)))
    t = a.join(y, how="left").join(p, how="left")
    out = pd.DataFrame({
        "Total expenditure (£)": t.get("total_expenditure"),
        "Income (£)": t.get("income"),
        "Net expenditure (£)": t.get("net_expenditure"),
        "Net cost per visit (£)": t.get("net_expenditure") / t.get("visits"),
        "Net cost per book issue (£)": t.get("net_expenditure") / t.get("book_issues"),
        "Net cost per head (£)": t.get("net_expenditure") / t["population"],
        "Staff (FTE)": t.get("staff_fte"),
        "Volunteers": t.get("volunteers"),
        "Volunteer hours": t.get("volunteer_hours"),
    })
    out["provenance"] = [provenance.get(i, "") for i in out.index]     # the weakest input: net spend and visits
    out["Source"] = out["provenance"].map(prov.words)
    return out.reset_index().rename(columns={"borough": "Borough", "fy": "Financial year"})


def peer_table(peers: pd.DataFrame) -> pd.DataFrame:
    """One row per authority with the four comparison measures (peers: flas_code, authority, metric, value)."""
    wide = peers.pivot_table(index="authority", columns="metric", values="value", aggfunc="sum")
    out = pd.DataFrame(index=wide.index)
    out["visits_per_1000"] = wide["visits"] / wide["population"] * 1000
    out["issues_per_visit"] = wide["book_issues"] / wide["visits"]
    out["net_cost_per_visit"] = wide["net_expenditure"] / wide["visits"]
    out["pc_utilisation"] = wide["pc_hours_used"] / wide["pc_hours_available"]
    out = out.reset_index()
    out["highlight"] = out["authority"].isin(OURS)
    return out


def peer_summary(table: pd.DataFrame, measure: str) -> tuple[float | None, str]:
    """The group median of a measure, and a sentence placing Bexley and Bromley against it."""
    shown = catalogue.measure(measure)
    label, digits = shown.label, PEER_MEASURES[measure]
    rows = table.dropna(subset=[measure]).sort_values(measure, ascending=False).reset_index(drop=True)
    if rows.empty:
        return None, f"No authority has a figure for {label.lower()}."
    median = float(rows[measure].median())
    parts = []
    for ours in OURS:
        hit = rows.index[rows["authority"] == ours]
        if len(hit):
            value = rows.loc[hit[0], measure]
            parts.append(f"{ours} {formats.value(value, shown.format, digits)} ({hit[0] + 1} of {len(rows)}, "
                         f"{'above' if value > median else 'below' if value < median else 'at'} the median)")
    return median, (f"{label}: group median {formats.value(median, shown.format, digits)} across {len(rows)} authorities; "
                    + "; ".join(parts) + ".")


FINANCE = ["total_expenditure", "income", "net_expenditure", "staff_fte", "volunteers", "volunteer_hours"]
# The tiles of each borough: a catalogue measure and the value table's column that holds it.
TILES = (("net_expenditure", "Net expenditure (£)"), ("net_cost_per_visit", "Net cost per visit (£)"),
         ("net_cost_per_book_issue", "Net cost per book issue (£)"), ("net_cost_per_head", "Net cost per head (£)"))
MOST_TILE_ROWS = 4          # boroughs with their own row of tiles; the table below has every one


@dataclass(frozen=True)
class ValuePage:
    table: pd.DataFrame                          # every year of the boroughs in scope
    tiles: list[tuple[str, list[tuple[str, str, str | None]], str]]   # borough, (label, value, change), source
    tiles_note: str | None
    trend: object                                # charts.Shown


def page(run: Callable[..., pd.DataFrame], fy: str, previous_fy: str, borough: str | None) -> ValuePage:
    """What the value-for-money page shows for a year and a scope (None: every borough)."""
    from libstats import charts
    table = value_table(run("annual_by_borough", metrics=FINANCE, borough=None),
                        run("yearly_by_borough", metrics=["visits", *catalogue.BOOK_ISSUES]),
                        run("population_all"))
    shown = table if borough is None else table[table["Borough"] == borough]
    this_year = shown[shown["Financial year"] == fy]
    this_year = this_year.sort_values("Borough", key=lambda b: ~b.isin(OURS), kind="stable")     # ours first
    before = shown[shown["Financial year"] == previous_fy].set_index("Borough")
    tiles = []
    for row in this_year.head(MOST_TILE_ROWS).to_dict("records"):
        row_tiles = []
        for code, field in TILES:
            measure = catalogue.measure(code)
            last = before[field].get(row["Borough"]) if field in before else None
            change = None if last is None or pd.isna(last) or last == 0 else \
                f"{formats.percent((row[field] / last - 1), 1, sign=True)} on {previous_fy}"
            row_tiles.append((measure.label, measure.value_text(row[field]), change))
        tiles.append((row["Borough"], row_tiles, row["Source"]))
    note = (f"Tiles for {MOST_TILE_ROWS} of {formats.number(len(this_year))} authorities (ours first); the table below has every one."
            if len(this_year) > MOST_TILE_ROWS else None)
    trend = shown[["Borough", "Financial year", "Net cost per visit (£)", "provenance"]].rename(
        columns={"Borough": "series", "Financial year": "fy", "Net cost per visit (£)": "value"})
    trend = trend.assign(months=12)
    chart = charts.Shown("vfm_trend", charts.trend(trend, "Net cost per visit (£)", "Net cost per visit, by borough and year", formats.d3("pence")[0]),
                  "Net expenditure divided by visits for each year; hollow markers are years with any modelled part.",
                  trend.drop(columns=["months"]).assign(value=trend["value"].round(2)))
    return ValuePage(shown.drop(columns=["provenance"]), tiles, note, chart)


def peer_charts(run: Callable[..., pd.DataFrame], fy: str = "2015-16") -> list:
    """The peer page's charts, one per measure (charts.Shown), from the published returns of one year."""
    from libstats import charts
    table = peer_table(run("peer_figures", fy=fy))
    shown = []
    for measure, digits in PEER_MEASURES.items():
        label = catalogue.measure(measure).label
        fmt, prefix = formats.d3(catalogue.measure(measure).format, digits)
        median, sentence = peer_summary(table, measure)
        rows = table[["authority", measure, "highlight"]].rename(columns={measure: "value"}).dropna(subset=["value"])
        numbers = (rows.sort_values("value", ascending=False).assign(value=rows["value"].round(3))
                   .rename(columns={"authority": "Authority", "value": label, "highlight": "Ours"}))
        shown.append(charts.Shown(f"peer_{measure}", charts.peer_bars(rows, f"{label}, {fy}", label, fmt, median, prefix),
                                  sentence, numbers))
    return shown
