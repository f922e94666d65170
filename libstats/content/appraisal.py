"""The Annual appraisal page and the board pack: every section of a year, as of the end of it.

The value-for-money section is the Value for money page's content for the year (content/value_for_money.py:
the same table of figures and the same cost-per-visit chart), cut to what was known when the year ended;
the other sections are worded in libstats/appraisal.py.
"""
from __future__ import annotations

import pandas as pd

from libstats import appraisal, fiscal, formats, shared_service
from libstats import provenance as prov
from libstats.appraisal import SECTIONS, Appraisal, Section
from libstats.content import value_for_money as vfm_page
from libstats.parts import Chart, Run, Table


def value_for_money(run: Run, fy: str, previous_fy: str) -> Section:
    """Net cost per visit, per issue and per head by borough, and the shared service's savings: the Value for
    money page's figures for every borough (run is known_by's, so its table and chart end at fy)."""
    section = Section("value_for_money", SECTIONS["value_for_money"])
    page = vfm_page.page(run, fy, previous_fy, None)
    kinds = {(r.series, r.fy): r.provenance for r in page.trend.table.itertuples()}
    year = page.table.frame[page.table.frame["Financial year"] == fy]
    year = year.assign(provenance=[kinds.get((b, fy), "") for b in year["Borough"]])
    shown = pd.DataFrame({
        "Borough": year["Borough"],
        "Net expenditure": [formats.value(v, "pounds") for v in year["Net expenditure (£)"]],
        "Net cost per visit": [formats.value(v, "pence") for v in year["Net cost per visit (£)"]],
        "Net cost per book issue": [formats.value(v, "pence") for v in year["Net cost per book issue (£)"]],
        "Net cost per head": [formats.value(v, "pence") for v in year["Net cost per head (£)"]],
        "Shared-service saving": [formats.value(shared_service.SAVINGS.get(b, 0), "pounds") for b in year["Borough"]],
        "Source": [prov.short(p) for p in year["provenance"]],
    })
    section.tables.append(Table(f"Value for money, {fy}", shown))
    if fy >= "2016-17":     # the two sources part on when the arrangement ended
        section.sentences.append(
            "The shared-service saving is counted while the arrangement ran: to 31 December 2017 by the gov.uk case "
            "study; Bexley's 2016-17 CIPFA return says it ended on 31 March 2017, so a Bexley saving after that "
            "rests on the case study alone.")
    for row in year.to_dict("records"):
        saving = shared_service.SAVINGS.get(row["Borough"], 0)
        section.sentences.append(
            f"{row['Borough']}: net cost per visit {formats.value(row['Net cost per visit (£)'], 'pence')}, per book issue "
            f"{formats.value(row['Net cost per book issue (£)'], 'pence')}; the shared service saves about "
            f"{formats.value(saving, 'pounds')} a year "
            f"({formats.percent(saving / row['Net expenditure (£)'], 1)} of net expenditure).")
    section.charts.append(Chart("vfm_cost_per_visit", page.trend.figure, cost_per_visit_summary(year, fy),
                                page.trend.table))
    return section


def cost_per_visit_summary(year: pd.DataFrame, fy: str) -> str:
    """The key number of the cost-per-visit chart in words: each borough's figure for the year."""
    figures = [f"{row['Borough']} {formats.value(row['Net cost per visit (£)'], 'pence')}" for row in year.to_dict("records")]
    if not figures:
        return f"No net cost per visit for {fy}: net expenditure divided by visits, by borough and year."
    return (f"Net cost per visit in {fy}: {' and '.join(figures)} (net expenditure divided by visits; "
            "hollow markers are years with a modelled part).")


def section(run: Run, fy: str, key: str) -> Section:
    """One section of the appraisal of a year (SECTIONS' key), from what was known at the end of it: what the
    page and meeting mode compute, a section at a time (the board pack builds them all)."""
    if key not in SECTIONS:
        raise ValueError(f"{key!r} is not a section of the appraisal")
    run = appraisal.known_by(run, fy)
    previous_fy = fiscal.previous_fy(fy)
    if key == "summary":
        return appraisal.summary(run, fy, previous_fy)[0]
    if key == "what_happened":
        return appraisal.what_happened(run, fy)
    if key == "next_year":
        return appraisal.next_year(run, fy)
    return {"performance": appraisal.performance, "value_for_money": value_for_money}[key](run, fy, previous_fy)


def build(run: Run, fy: str) -> Appraisal:
    """Every section of the appraisal of one financial year, from what was known at the end of it."""
    run = appraisal.known_by(run, fy)
    previous_fy = fiscal.previous_fy(fy)
    first, numbers = appraisal.summary(run, fy, previous_fy)
    sections = [first, appraisal.what_happened(run, fy), appraisal.performance(run, fy, previous_fy),
                value_for_money(run, fy, previous_fy), appraisal.next_year(run, fy)]
    return Appraisal(fy, previous_fy, sections, numbers)
