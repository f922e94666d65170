"""One branch: its profile, its months, where it stands and how complete its figures are. Pure pandas."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from libstats import catalogue, fiscal, formats
from libstats import provenance as prov

STANDING_MEASURES = ("visits", "book_issues")        # catalogue codes: where a branch stands on each


label_of = catalogue.labels


def month_table(grid: pd.DataFrame, metric_rows: pd.DataFrame, fy: str, previous_fy: str) -> pd.DataFrame:
    """Metrics down the side, the months of the year across, then the year, last year and the change.

    grid is queries/branch_month_grid.sql's answer (the sums are made there, not here). Last year adds up
    the same months as this year has for the measure, so a part year (one month imported) is compared with
    the same months, never with a whole year; its column says so.
    """
    labels = label_of(metric_rows)
    order = [m for m in metric_rows["metric"] if m in set(grid["metric"])]
    grid = grid.set_index("metric").reindex(order)
    partial = bool(len(grid)) and bool(grid["partial"].fillna(False).any())
    out = pd.DataFrame({name: grid[f"m{i}"] for i, name in enumerate(fiscal.MONTH_ABBR, start=1)})
    out[fy] = grid["this_total"]
    out[previous_fy] = grid["last_total"]
    out["Change (%)"] = ((out[fy] / out[previous_fy].where(out[previous_fy] > 0) - 1) * 100).round(1)
    out["Source"] = [prov.label(prov.combine(*kinds)) if _held(kinds) else "—" for kinds in grid["provenances"]]
    out = out.rename_axis("Measure").reset_index()
    out["Measure"] = out["Measure"].map(labels)
    if partial:
        out = out.rename(columns={fy: f"{fy} to date", previous_fy: f"{previous_fy}, same months"})
    return out


def _held(kinds) -> bool:
    """Whether a measure has any counted figure (a list of provenance texts; missing when it has none)."""
    return isinstance(kinds, (list, tuple, np.ndarray)) and len(kinds) > 0


def standing_parameters(branch: str, fy: str) -> dict:
    """queries/branch_standing.sql's parameters: each standing measure's metrics, and the measure each adds up to."""
    pairs = [(metric, m.code) for m in map(catalogue.measure, STANDING_MEASURES) for metric in m.numerator]
    return {"branch": branch, "fy": fy, "metrics": [p[0] for p in pairs], "measures": [p[1] for p in pairs]}


def standing(ranked: pd.DataFrame) -> pd.DataFrame:
    """Rank of the branch within its borough and across the service, and per opening hour against the borough
    median, as the page words it. ranked is queries/branch_standing.sql's answer (the ranks, sums and medians
    are made there, among the physical branches); empty for a digital library or a branch with no figures.
    """
    rows = []
    for r in ranked.itertuples():
        rows.append({
            "Measure": catalogue.measure(r.measure).label,
            "This branch": formats.number(r.value),
            f"Rank in {r.borough}": f"{r.borough_rank} of {r.borough_branches}",
            "Rank in the service": f"{r.service_rank} of {r.service_branches}",
            "Per opening hour": "no hours recorded" if formats.missing(r.per_hour) else formats.number(r.per_hour, 1),
            f"{r.borough} median per opening hour": "" if formats.missing(r.borough_median_per_hour)
            else formats.number(r.borough_median_per_hour, 1),
            # a rank of branch figures that split a published total carries the split's provenance, and the hours'
            "Source": prov.short(prov.combine(r.provenance, r.hours_provenance)),
        })
    return pd.DataFrame(rows)


def completeness(expected: list[dt.date], figures: pd.DataFrame, fy: str) -> tuple[pd.DataFrame, list[str]]:
    """Each month of the year: due or not, how many metrics have figures, and where they come from."""
    this = figures[figures["fy"] == fy]
    due = {pd.Timestamp(m).date() for m in expected}
    rows, missing = [], []
    for month in fiscal.fy_months(fy):
        present = this[pd.to_datetime(this["month"]).dt.date == month]
        provenance = prov.label(prov.combine(*present["provenance"]))
        if month in due and present.empty:
            status = "Missing"
            missing.append(fiscal.month_label(month))
        elif present.empty:
            status = "Not due (closed or not in the return)"
        else:
            status = "Present"
        rows.append({"Month": fiscal.month_label(month), "Status": status,
                     "Measures with figures": len(present), "Source": provenance})
    return pd.DataFrame(rows), missing


def periods_table(periods: pd.DataFrame) -> pd.DataFrame:
    """Opening-hours history as a person reads it."""
    return pd.DataFrame({
        "From": [pd.Timestamp(d).strftime("%d %b %Y") for d in periods["valid_from"]],
        "To": [pd.Timestamp(d).strftime("%d %b %Y") if pd.notna(d) else "now" for d in periods["valid_to"]],
        "Type": periods["branch_type"],
        "Statutory": ["yes" if s else "no" for s in periods["statutory"]],
        "Weekly hours": ["closed" if h == 0 else "—" if pd.isna(h) else formats.compact(h) for h in periods["weekly_hours"]],
        "Source": periods["provenance"],
    })
