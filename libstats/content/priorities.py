"""The Priorities page: the before-and-after estimate of an event (and which events allow one), external funding,
and the service against the UK."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from libstats import catalogue, charts, formats, overview, priorities, shared_service, yoy
from libstats.parts import Chart


def estimate_chart(result: priorities.Estimate, measure: str) -> Chart:
    """The treated libraries against the comparison libraries, the year before and the year from the event."""
    others = result.control.removeprefix("the ").removesuffix(" compared")
    figure = charts.indexed_lines(result.frame, result.start, f"{measure}: {result.treated} against {others}",
                                  f"{measure} (100 = average of the year before)")
    table = result.frame.pivot_table(index="month", columns="series", values="value", sort=False).reset_index()
    table["month"] = table["month"].dt.strftime("%b %Y")
    return charts.Shown("", figure, result.pre_trend_sentence(), table)


def funding_chart(run) -> Chart:
    """External funding secured by each borough, by year (modelled)."""
    funding = run("annual_by_borough", metrics=["external_funding"], borough=None)
    measure = catalogue.measures(run("metric_catalogue"))["external_funding"]
    trend = funding.rename(columns={"borough": "series"}).assign(months=12)
    return charts.Shown("funding_chart",
                        charts.trend(trend, "External funding (£)", "External funding secured by each borough, by year"),
                        yoy.trend_summary(trend[trend["series"] == "Bexley"], measure), yoy.trend_table(trend, measure))


def shared_service_chart(run) -> Chart | None:
    """The service's visits against all UK library visits, each indexed to 2010-11 (None without 2010-11)."""
    service = yoy.yearly(run("branch_trends", metrics=["visits"], borough=None),
                         catalogue.measures(run("metric_catalogue"))["visits"], "Bexley and Bromley")
    comparison = shared_service.national_comparison(service)
    if comparison.empty:
        return None
    gap = shared_service.gap_to_national(comparison, "2015-16")
    sentence = ("Visits across both boroughs against all UK library visits, each as an index with 2010-11 = 100. "
                + ("" if gap is None else f"By 2015-16 the service stood {formats.number(abs(gap), 1)} points "
                   f"{'above' if gap > 0 else 'below'} the national index, so its fall was "
                   f"{'smaller' if gap > 0 else 'larger'} than the country's."))
    return charts.Shown("national_chart",
                        charts.trend(comparison, "Index (2010-11 = 100)", "Visits: the shared service against the UK, indexed",
                                     ".1f"), sentence,
                        comparison.assign(value=comparison["value"].round(1)).drop(columns=["months"]))


# The measures a before-and-after estimate is made on (catalogue codes): (label, metrics) for each.
INTERVENTION_MEASURES = {code: (catalogue.measure(code).label, catalogue.measure(code).numerator)
                         for code in ("visits", "book_issues", "events", "event_attendance")}


def event_label(event) -> str:
    """An event as a list names it: 'May 2013 · Crayford · New Crayford Library opens'."""
    return f"{overview.event_when(event.event_date, event.date_precision)} · {priorities.where(event)} · {event.title}"


@dataclass(frozen=True)
class Intervention:
    """What the before-and-after section shows for one event and measure (computed ahead, cached)."""
    result: priorities.Estimate | priorities.Refusal
    chart: Chart | None = None


def _panel(run, event, codes) -> pd.DataFrame | None:
    """The monthly figures of the event's borough (None for a service-wide event: nothing to compare with)."""
    if event.borough == "Both boroughs":
        return None
    return run("monthly_by_branch", metrics=list(codes), borough=event.borough)


def estimate(run, event_id: int, code: str) -> priorities.Estimate | priorities.Refusal:
    """The before-and-after estimate of one event (events table id) on one measure, or why there is none:
    what the page shows, without its chart (the appraisal words it)."""
    events = run("events_all", borough=None)
    event = next(events[events["event_id"] == event_id].itertuples())
    label, codes = INTERVENTION_MEASURES[code]
    return priorities.estimate(event, _panel(run, event, codes), events, label, code)


def analyse(run, event_id: int, code: str) -> Intervention:
    """The before-and-after estimate of one event on one measure and its chart, or why there is none."""
    result = estimate(run, event_id, code)
    if isinstance(result, priorities.Refusal):
        return Intervention(result)
    return Intervention(result, estimate_chart(result, INTERVENTION_MEASURES[code][0]))


def event_choices(run) -> tuple[list[int], pd.DataFrame]:
    """The events a before-and-after estimate applies to (ids), and the others with the reason why not."""
    events = run("events_all", borough=None)
    usable, left_out = [], []
    for event in events.itertuples():
        why = priorities.refusal(event, _panel(run, event, ("visits",)), events)
        if why is None:
            usable.append(int(event.event_id))
        else:
            left_out.append({"Event": event_label(event), "Why it is left out": " ".join(why.reasons)})
    return usable, pd.DataFrame(left_out, columns=["Event", "Why it is left out"])
