"""The Annual appraisal page and the board pack: every section of a year, as of the end of it.

Where a section shows what a page shows, it is that page's content for the year, computed with the appraisal's
run (known_by's, so it ends with the year): the headline comparisons are the Year on year page's summary of each
scope (content/year_on_year.py), the visits month by month the Overview's (content/overview.py), each event's
before-and-after estimate the Priorities page's (content/priorities.py), value for money the Value for money
page's (content/value_for_money.py). libstats/appraisal.py words them, and says what no page does.
"""
from __future__ import annotations

import pandas as pd

from libstats import appraisal, catalogue, fiscal, formats, shared_service
from libstats import provenance as prov
from libstats.appraisal import SECTIONS, Appraisal, Section
from libstats.content import overview as overview_page
from libstats.content import priorities as priorities_page
from libstats.content import value_for_money as vfm_page
from libstats.content import year_on_year as yoy_page
from libstats.parts import Chart, Run, Table

HEADLINE_MEASURES = ("visits", "book_issues")


def _compared(run: Run, fy: str, previous_fy: str) -> dict:
    """The Year on year page's summary of each headline measure for each scope, like for like on."""
    return {(scope, code): yoy_page.summary(run, code, fy, previous_fy, borough, scope, (), True)
            for scope, borough in appraisal.SCOPES for code in HEADLINE_MEASURES}


def _visits_by_month(run: Run, fy: str, previous_fy: str) -> overview_page.MonthByMonth:
    """The Overview's month-by-month visits for the whole service (its chart summary names the scope as the
    appraisal does)."""
    months = tuple(run("months_in_year", fy=fy, borough=None)["month_number"])
    return overview_page.month_by_month(run, "visits", fy, previous_fy, None, "The whole service", months)


def summary(run: Run, fy: str, previous_fy: str) -> tuple[Section, dict[str, str]]:
    """The headline figures (the Year on year page's comparisons) and the Overview's visits month by month."""
    return appraisal.summary(run, fy, previous_fy, _compared(run, fy, previous_fy), _visits_by_month(run, fy, previous_fy))


def what_happened(run: Run, fy: str) -> Section:
    """The year's events, each with the Priorities page's before-and-after estimate of visits."""
    events = run("events_in_year", fy=fy, borough=None)
    estimates = [priorities_page.estimate(run, event.event_id, "visits") for event in events.itertuples()]
    return appraisal.what_happened(fy, events, estimates)


def performance(run: Run, fy: str, previous_fy: str) -> Section:
    """The biggest movers in visits: the Year on year page's like-for-like comparison and its Branches tab's
    ranking and movers (the appraisal draws its own twelve)."""
    basis = yoy_page.basis(run, "visits", fy, previous_fy, None, ())          # worked out once for both
    compared = yoy_page.summary(run, "visits", fy, previous_fy, None, catalogue.WHOLE_SERVICE, (), True, basis=basis)
    ranked = yoy_page.ranking(run, "visits", fy, previous_fy, None, (), True, basis=basis)
    return appraisal.performance(run, fy, previous_fy, compared.comparison, ranked)


def next_year(run: Run, fy: str) -> Section:
    """The targets for the year ahead, and its projection from the Overview's visits month by month."""
    return appraisal.next_year(run, fy, overview_page.monthly_figures(run, "visits", fy, fiscal.previous_fy(fy), None))


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
        return summary(run, fy, previous_fy)[0]
    if key == "what_happened":
        return what_happened(run, fy)
    if key == "next_year":
        return next_year(run, fy)
    return {"performance": performance, "value_for_money": value_for_money}[key](run, fy, previous_fy)


def build(run: Run, fy: str) -> Appraisal:
    """Every section of the appraisal of one financial year, from what was known at the end of it."""
    run = appraisal.known_by(run, fy)
    previous_fy = fiscal.previous_fy(fy)
    first, numbers = summary(run, fy, previous_fy)
    sections = [first, what_happened(run, fy), performance(run, fy, previous_fy),
                value_for_money(run, fy, previous_fy), next_year(run, fy)]
    return Appraisal(fy, previous_fy, sections, numbers)
