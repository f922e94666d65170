"""Value for money and the peer comparison: costs per use, staff and volunteers, the outer-London group. Pure pandas:
libstats/content/value_for_money.py and peers.py build the pages from these tables."""
from __future__ import annotations

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
