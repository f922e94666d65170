"""The shared service against its savings and the nation: savings beside net expenditure, UK visits as an index.
Pure pandas: the Priorities page and the appraisal take these tables (libstats/content/priorities.py draws them)."""
from __future__ import annotations

import pandas as pd


def savings_table(net: pd.DataFrame, savings: dict[str, float]) -> pd.DataFrame:
    """Each borough's net expenditure by year beside the shared service's yearly saving, from 2012-13.

    The column "Shared service that year" says, with its source, whether the service ran all year: the gov.uk
    case study has the agreement run to 31 December 2017; Bexley's 2016-17 CIPFA return says it ended on
    31 March 2017, so Bexley's 2017-18 saving is counted on the case study's word alone.
    """
    rows = []
    for row in net.sort_values(["borough", "fy"]).itertuples():
        saving = savings.get(row.borough)
        if saving is None or row.fy < "2012-13":
            continue
        rows.append({"Borough": row.borough, "Financial year": row.fy, "Net expenditure (£)": row.value,
                     "Saving (£)": saving, "Saving as % of net expenditure": round(saving / row.value * 100, 1),
                     "Shared service that year": shared_service_in(row.borough, row.fy),
                     "Source": row.provenance})
    return pd.DataFrame(rows)


def shared_service_in(borough: str, fy: str) -> str:
    """Whether the shared service ran in a borough's financial year, with the source of each date."""
    if fy < "2017-18":
        return "All year (gov.uk case study)"
    if fy > "2017-18":
        return "Ended before the year (gov.uk case study: 31 December 2017)"
    said = "April to December 2017 (gov.uk case study: to 31 December 2017)"
    if borough == "Bexley":
        return said + "; Bexley's 2016-17 CIPFA return says it ended on 31 March 2017, before this year"
    return said


# The shared service's savings (gov.uk case study, "about"): yearly, from its first full year.
SAVINGS = {"Bexley": 400_000.0, "Bromley": 370_000.0}

# UK library visits (millions): published for 2010-11, 2015-16 and 2017-18 (library-data.md §4); the
# years between are interpolated on a constant rate of change, so they are modelled.
NATIONAL_VISITS = (
    ("2010-11", 314.0, "published"), ("2011-12", 300.0, "modelled"), ("2012-13", 286.6, "modelled"),
    ("2013-14", 273.9, "modelled"), ("2014-15", 261.7, "modelled"), ("2015-16", 250.0, "published"),
    ("2016-17", 241.4, "modelled"), ("2017-18", 233.0, "published"),
)


def national_comparison(service: pd.DataFrame) -> pd.DataFrame:
    """Service visits by year beside UK visits, both as an index with 2010-11 = 100.

    service: fy, value, provenance (the service's yearly visits).
    """
    national = pd.DataFrame(NATIONAL_VISITS, columns=["fy", "value", "provenance"])
    if not (service["fy"] == "2010-11").any():
        return pd.DataFrame(columns=["series", "fy", "value", "provenance", "months"])
    base_service = float(service.loc[service["fy"] == "2010-11", "value"].iloc[0])
    rows = [{"series": "Bexley and Bromley", "fy": r.fy, "value": r.value / base_service * 100,
             "provenance": r.provenance, "months": r.months} for r in service.itertuples()]
    rows += [{"series": "UK (all library authorities)", "fy": r.fy, "value": r.value / 314.0 * 100,
              "provenance": r.provenance, "months": 12} for r in national.itertuples()]
    return pd.DataFrame(rows)


def gap_to_national(comparison: pd.DataFrame, fy: str) -> float | None:
    """How far the service's index is above (+) or below (-) the UK's in a year, in index points."""
    ours = comparison[(comparison["series"] == "Bexley and Bromley") & (comparison["fy"] == fy)]["value"]
    uk = comparison[(comparison["series"] == "UK (all library authorities)") & (comparison["fy"] == fy)]["value"]
    if ours.empty or uk.empty:
        return None
    return float(ours.iloc[0] - uk.iloc[0])
