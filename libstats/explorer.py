"""The year-on-year page's content for one choice of measure, year, scope and branches. No Streamlit.

`explore(run, …)` does every query and every computation the page needs and returns what it shows:
texts, tables and finished Plotly figures. The page caches it (ui.computed) on its arguments and the
data version, so a reader going back to a measure already seen costs no pandas or Plotly work at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from libstats import charts, overview, yoy
from libstats.charts import Shown

Run = Callable[..., pd.DataFrame]
MOVERS_DRAWN = 30        # bars in the drivers chart (the table below it has every branch)


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    delta: str | None
    help: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Exploration:
    measure: yoy.ExplorerMeasure
    headline: str
    explanation: str | None = None       # under the headline (annual measures)
    notice: str | None = None            # a warning instead of the page (no figures yet)
    part_year: str | None = None
    tiles: tuple[Tile, ...] = ()
    target_tile: Tile | None = None
    excluded: pd.DataFrame | None = None
    monthly: Shown | None = None
    monthly_note: str | None = None
    trend: Shown | None = None
    events: pd.DataFrame | None = None
    ranking: pd.DataFrame | None = None
    value_format: str = ",.0f"
    drivers: Shown | None = None
    rate_label: str | None = None
    rate: yoy.Rate | None = None
    ratios: pd.DataFrame | None = None


def explore(run: Run, measure_code: str, fy: str, previous_fy: str, borough: str | None, scope: str,
            chosen: tuple[str, ...], like_for_like: bool) -> Exploration:
    """Everything the year-on-year page shows for one measure, year, scope (borough or None) and branches."""
    measures = yoy.explorer_measures(run("metric_catalogue"))
    measure = measures[measure_code]
    branches = run("branches")
    scope_name = ", ".join(chosen) if chosen else scope
    events = run("events_all", borough=borough)
    events = events.assign(number=range(1, len(events) + 1))
    dated_events = events[events["date_precision"] != "year"]
    target_scope = None if chosen else ("Service" if borough is None else borough)
    targets = run("targets_for", metric=measure.code, scope=target_scope) if target_scope else None

    if measure.kind == "annual":
        view = yoy.annual_view(run("annual_by_borough", metrics=[measure.code], borough=borough), measure, fy, previous_fy)
        trend = Shown("yoy_trend", charts.trend(view.trend, measure.label, f"{measure.label} across the years",
                                                view.value_format, events=dated_events, targets=targets),
                      view.summary, view.trend_table)
        return Exploration(measure, view.headline, explanation=view.explanation,
                           tiles=tuple(Tile(name, text, delta) for name, text, delta in view.tiles), trend=trend)

    months = list(run("months_in_year", fy=fy, borough=borough)["month_number"])
    if not months:
        return Exploration(measure, f"{measure.label}: {scope_name}, {fy}", notice=f"There are no figures for {fy} yet.")
    per_branch = run("branch_year_totals", fys=[previous_fy, fy], metrics=measure.metrics, borough=borough, months=months)
    if chosen:
        per_branch = per_branch[per_branch["branch"].isin(chosen)]
    counted = per_branch[per_branch["metric"].isin(measure.numerator)]
    included, excluded = yoy.like_for_like(counted.groupby(["branch", "fy"], as_index=False)["months"].max(),
                                           branches, fy, previous_fy, len(months))
    comparison = yoy.compare(per_branch, measure, fy, previous_fy, included, excluded)

    tiles = []
    for name, pair in (("As reported", comparison.reported), ("Like for like", comparison.like_for_like)):
        change = yoy.Comparison.change(pair)
        delta = (yoy.points_phrase(pair[0], pair[1], previous_fy) if measure.unit == "%"
                 else None if change is None else f"{change * 100:+.1f}% on {previous_fy}")
        tiles.append(Tile(f"{name}, {fy}", measure.value_text(pair[0]), delta,
                          help=f"{previous_fy}: {measure.value_text(pair[1])}"))
    status = yoy.target_status(targets, fy, comparison.reported[0], measure) if targets is not None else None
    target_tile = (Tile(f"Target {fy}", status.target_text, status.gap_text, help=status.note, caption=status.verdict)
                   if status else None)

    compared = included if like_for_like else sorted(per_branch["branch"].unique())
    monthly = yoy.combine(run("branch_monthly_totals", fys=[previous_fy, fy], metrics=measure.metrics,
                              branches=compared), measure, ["fy", "month"])
    title = f"{measure.label} month by month: {fy} against {previous_fy}" + (", like for like" if like_for_like else "")
    value_format = yoy.value_format(measure)
    monthly_chart = Shown(
        "yoy_monthly",
        charts.fy_overlay(monthly, fy, previous_fy, measure.label, measure.unit, title, value_format=value_format),
        overview.chart_summary(measure, monthly, fy, scope_name, measure.value_text),
        overview.monthly_table(monthly, fy, previous_fy))

    trends = run("branch_trends", metrics=measure.metrics, borough=borough)
    if chosen:
        trends = trends[trends["branch"].isin(chosen)]
    yearly = yoy.yearly(trends, measure, scope_name)
    trend = Shown("yoy_trend", charts.trend(yearly, measure.label,
                                            f"{measure.label} across the years: {scope_name}, as reported",
                                            value_format, dated_events, targets),
                  yoy.trend_summary(yearly, measure), yoy.trend_table(yearly, measure))

    ranking = yoy.branch_table(per_branch, measure, fy, previous_fy, dict(zip(branches["branch"], branches["borough"])),
                               yoy.branch_trends(trends, measure))
    drivers = None
    if measure.kind == "sum":
        movers = yoy.drivers(ranking, included if like_for_like else list(ranking["Branch"]))
        if not movers.empty:
            title = yoy.drivers_title(movers, measure, previous_fy)
            if len(movers) > MOVERS_DRAWN:
                title += f"; the {MOVERS_DRAWN} biggest of {len(movers):,} branches"
            drivers = Shown("yoy_drivers", charts.diverging_bars(movers.head(MOVERS_DRAWN), title, measure.unit or "units"),
                            yoy.drivers_summary(movers, measure, previous_fy), movers)

    rate = rate_label = None
    if measure.kind == "sum":
        if chosen:
            hours = run("branch_opening_hours", fys=[previous_fy, fy], borough=borough)
            rate = yoy.per_opening_hour(per_branch, hours[hours["branch"].isin(chosen)], measure, fy, previous_fy)
            rate_label = f"{measure.label} per opening hour"
        else:
            rate = yoy.per_population(per_branch, run("population_by_year", fys=[previous_fy, fy], borough=borough),
                                      measure, fy, previous_fy)
            rate_label = f"{measure.label} per 1,000 population"
    ratios = run("branch_year_totals", fys=[previous_fy, fy], metrics=yoy.RATIO_METRICS, borough=borough, months=months)
    if chosen:
        ratios = ratios[ratios["branch"].isin(chosen)]

    return Exploration(
        measure, yoy.headline(measure, comparison, scope_name, like_for_like),
        part_year=(f"{fy} is a part year: year to date ({len(months)} months) against the same months of "
                   f"{previous_fy}." if len(months) < 12 else None),
        tiles=tuple(tiles), target_tile=target_tile, excluded=excluded, monthly=monthly_chart,
        monthly_note=overview.monthly_provenance_note(monthly, [fy, previous_fy]), trend=trend,
        events=overview.events_table(events.drop(columns=["number"])), ranking=ranking, value_format=value_format,
        drivers=drivers, rate_label=rate_label, rate=rate,
        ratios=yoy.ratio_table(ratios, measures, fy, previous_fy))
