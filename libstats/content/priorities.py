"""The Priorities page's charts: a before-and-after estimate, external funding, the service against the UK."""
from __future__ import annotations

from libstats import catalogue, charts, formats, priorities, shared_service, yoy


def estimate_chart(result: priorities.Estimate, measure: str) -> charts.Shown:
    """The treated libraries against the comparison libraries, the year before and the year from the event."""
    others = result.control.removeprefix("the ").removesuffix(" compared")
    figure = charts.indexed_lines(result.frame, result.start, f"{measure}: {result.treated} against {others}",
                                  f"{measure} (100 = average of the year before)")
    table = result.frame.pivot_table(index="month", columns="series", values="value", sort=False).reset_index()
    table["month"] = table["month"].dt.strftime("%b %Y")
    return charts.Shown("", figure, result.pre_trend_sentence(), table)


def funding_chart(run) -> charts.Shown:
    """External funding secured by each borough, by year (modelled)."""
    funding = run("annual_by_borough", metrics=["external_funding"], borough=None)
    measure = catalogue.measures(run("metric_catalogue"))["external_funding"]
    trend = funding.rename(columns={"borough": "series"}).assign(months=12)
    return charts.Shown("funding_chart",
                        charts.trend(trend, "External funding (£)", "External funding secured by each borough, by year"),
                        yoy.trend_summary(trend[trend["series"] == "Bexley"], measure), yoy.trend_table(trend, measure))


def shared_service_chart(run) -> charts.Shown | None:
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
