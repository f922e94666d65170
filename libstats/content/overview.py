"""The Overview page: a year's headline tiles against the year before, one measure month by month, its events."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from libstats import catalogue, charts, metrics, overview
from libstats import provenance as prov
from libstats.parts import Chart, Run, Tile


@dataclass(frozen=True)
class Headlines:
    """The headline tiles, three to a row; a column holds one tile, or each borough's (active borrowers for the
    whole service are never added: one person may borrow in both boroughs)."""
    months: tuple[int, ...]                       # the months of the year with figures (1-12, calendar)
    rows: tuple[tuple[tuple[Tile, ...], ...], ...]


def _tile(tile: metrics.Tile, label: str, previous_fy: str) -> Tile:
    direction = "normal" if tile.headline.higher_is_better else "inverse"
    caption = tile.withheld or f"{tile.badge} · {previous_fy}: {prov.words(tile.previous_provenance)}"
    return Tile(label, tile.value_text, tile.delta_text, help=f"{tile.headline.help} {tile.source_text}",
                caption=caption, delta_color="off" if tile.is_flat or tile.change is None else direction,
                delta_arrow="off" if tile.is_flat else "auto")


def headlines(run: Run, fy: str, previous_fy: str, borough: str | None, months: tuple[int, ...]) -> Headlines:
    """The headline tiles of a year (its months so far) against the same months of the year before."""
    totals = run("year_totals", fys=[previous_fy, fy], metrics=metrics.headline_metrics(), borough=borough,
                 months=list(months))
    population = run("population_by_year", fys=[previous_fy, fy], borough=borough)
    borrowers = None if borough else {
        s.borough: run("year_totals", fys=[previous_fy, fy], metrics=["active_borrowers"], borough=s.borough,
                       months=list(months)) for s in catalogue.SCOPES if s.borough}
    tiles = metrics.headline_tiles(totals, population, fy, previous_fy, borrowers, months=len(months))
    columns = tuple(
        tuple(_tile(part, f"{tile.headline.label}, {name}" if name else tile.headline.label, previous_fy)
              for name, part in (tile.parts or (("", tile),)))
        for tile in tiles)
    return Headlines(months, (columns[:3], columns[3:]))


@dataclass(frozen=True)
class MonthByMonth:
    chart: Chart
    note: str                   # where the charted months come from
    monthly: pd.DataFrame       # the figures charted (monthly_totals of both years), as the appraisal draws them


def monthly_figures(run: Run, code: str, fy: str, previous_fy: str, borough: str | None) -> pd.DataFrame:
    """The figures month_by_month charts: the measure's monthly totals in both years (for the appraisal's
    projection, which needs them and not the chart)."""
    return run("monthly_totals", fys=[previous_fy, fy], metrics=list(catalogue.measure(code).metrics), borough=borough)


def month_by_month(run: Run, code: str, fy: str, previous_fy: str, borough: str | None, scope: str,
                   months: tuple[int, ...]) -> MonthByMonth:
    """The Overview's chart of one measure (overview.MONTHLY) against the year before, and its provenance note."""
    measure = catalogue.measure(code)
    monthly = monthly_figures(run, code, fy, previous_fy, borough)
    events = run("events_in_year", fy=fy, borough=borough)
    numbered = events.assign(number=range(1, len(events) + 1))
    title, _, _ = overview.chart_title(measure, monthly, fy, previous_fy, list(months))
    figure = charts.fy_overlay(monthly, fy, previous_fy, measure.label, measure.unit, title,
                               numbered[numbered["date_precision"] != "year"])
    return MonthByMonth(Chart("overview_chart", figure, overview.chart_summary(measure, monthly, fy, scope),
                              overview.monthly_table(monthly, fy, previous_fy)),
                        overview.monthly_provenance_note(monthly, [fy, previous_fy]), monthly)
