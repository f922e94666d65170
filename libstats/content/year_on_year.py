"""The year-on-year page's content for one choice of measure, year, scope and branches. No Streamlit.

`summary(run, …)` gives the headline, tiles and like-for-like list; `monthly`, `across_years`,
`branches` and `proportions` give each tab's content. Each does its own queries (cached) and its own
computations, and returns finished tables and Plotly figures. The page caches each (ui.computed) on its
arguments and the data version, so a change of measure works out the headline and the open tab only,
and going back to a choice already seen costs no pandas or Plotly work at all.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from libstats import catalogue, charts, formats, overview, rates, yoy
from libstats import provenance as prov
from libstats import targets as target_rules
from libstats.parts import Chart, Run, Tile

MOVERS_DRAWN = 30        # bars in the drivers chart (the table below it has every branch)


@dataclass(frozen=True)
class Summary:
    """The Year on year page's top: the finding in words, its tiles and the branches left out."""
    headline: str
    explanation: str | None = None       # under the headline (annual measures)
    notice: str | None = None            # a warning instead of the page (no figures yet)
    part_year: str | None = None
    tiles: tuple[Tile, ...] = ()
    target_tile: Tile | None = None
    excluded: pd.DataFrame | None = None
    trend: Chart | None = None           # annual measures: the only chart
    # What the tiles say, as figures (monthly measures): the appraisal's headline table words these.
    comparison: yoy.Comparison | None = None
    months: tuple[int, ...] = ()         # the months of the year compared (calendar 1-12)
    target: target_rules.TargetStatus | None = None


@dataclass(frozen=True)
class _Compared:
    """What every view of a monthly measure starts from (queries/like_for_like.sql): the branches' totals, who is
    like for like, and both comparisons' totals, worked out by the query."""
    measure: catalogue.Measure
    months: list[int]
    per_branch: pd.DataFrame             # branch (a merged unit as one), borough, fy, metric, value, provenance, months
    included: list[str]
    excluded: pd.DataFrame
    totals: pd.DataFrame                 # grain ('reported', 'like for like', 'scope'), fy, metric, value, provenance
    units: dict[str, list[str]]          # each merged unit's branches
    every_branch_compared: bool = False

    @property
    def reported_provenance(self) -> set[str] | None:
        """Where the scope's own totals come from (a whole borough-year is published); None when branches are
        chosen (the query then gives no 'scope' rows, and a rate takes the branches' own)."""
        scope = self.totals[self.totals["grain"] == "scope"]
        return prov.combine(*scope["provenance"]) if len(scope) else None

    def branches(self, like_for_like: bool) -> list[str]:
        """The branches behind the comparison (a merged unit's each), like for like or every one."""
        shown = self.included if like_for_like else sorted(set(self.per_branch["branch"]))
        return [branch for unit in shown for branch in self.units.get(unit, [unit])]


def _measure(run: Run, code: str) -> catalogue.Measure:
    return catalogue.measures(run("metric_catalogue"))[code]


def _targets(run: Run, measure: catalogue.Measure, borough: str | None, chosen: tuple[str, ...]):
    scope = None if chosen else catalogue.stored_scope(borough)
    return run("targets_for", metric=measure.code, scope=scope) if scope else None


def _events(run: Run, borough: str | None) -> pd.DataFrame:
    events = run("events_all", borough=borough)
    return events.assign(number=range(1, len(events) + 1))


def _compared(run: Run, measure: catalogue.Measure, fy: str, previous_fy: str, borough: str | None,
              chosen: tuple[str, ...]) -> _Compared | None:
    months = list(run("months_in_year", fy=fy, borough=borough)["month_number"])
    if not months:
        return None
    rows = run("like_for_like", fy=fy, previous_fy=previous_fy, metrics=measure.metrics, numerator=measure.numerator,
               borough=borough, months=months, chosen=list(chosen))
    units = rows[rows["grain"] == "branch"]
    every_unit = units.drop_duplicates("branch")
    left_out = every_unit[~every_unit["included"].astype(bool) & (every_unit["months_this"] + every_unit["months_last"] > 0)]
    totals = rows[rows["grain"] != "branch"][["grain", "fy", "metric", "value", "provenance"]]
    return _Compared(measure, months,
                     units[["branch", "borough", "fy", "metric", "value", "provenance", "months"]].reset_index(drop=True),
                     sorted(every_unit.loc[every_unit["included"].astype(bool), "branch"]),
                     yoy.left_out(left_out, run("branches"), fy, previous_fy, len(months)),
                     totals, yoy.units_of(units), bool(every_unit["included"].all()))


def basis(run: Run, measure_code: str, fy: str, previous_fy: str, borough: str | None,
          chosen: tuple[str, ...]) -> _Compared | None:
    """What summary and ranking start from, for a caller that shows both (the appraisal): worked out once and
    passed to each as basis=."""
    return _compared(run, _measure(run, measure_code), fy, previous_fy, borough, chosen)


def summary(run: Run, measure_code: str, fy: str, previous_fy: str, borough: str | None, scope: str,
            chosen: tuple[str, ...], like_for_like: bool, *, basis: _Compared | None = None) -> Summary:
    """The headline, the tiles (as reported, like for like, target) and the branches left out, and why.
    basis: this choice's basis(…), when the caller has it already."""
    measure = _measure(run, measure_code)
    scope_name = ", ".join(chosen) if chosen else scope
    targets = _targets(run, measure, borough, chosen)
    if measure.kind == "annual":
        view = yoy.annual_view(run("annual_by_borough", metrics=[measure.code], borough=borough), measure, fy, previous_fy)
        events = _events(run, borough)
        trend = Chart("yoy_trend", charts.trend(view.trend, measure.label, f"{measure.label} across the years",
                                                view.value_format, events=events[events["date_precision"] != "year"],
                                                targets=targets),
                      view.summary, view.trend_table)
        return Summary(view.headline, explanation=view.explanation,
                       tiles=tuple(Tile(name, text, delta) for name, text, delta in view.tiles), trend=trend)
    compared = basis if basis is not None else _compared(run, measure, fy, previous_fy, borough, chosen)
    if compared is None:
        return Summary(f"{measure.label}: {scope_name}, {fy}", notice=f"There are no figures for {fy} yet.")
    comparison = yoy.compare(compared.totals, measure, fy, previous_fy, compared.included, compared.excluded,
                             compared.every_branch_compared)
    tiles = []
    for name, pair, kinds in (("As reported", comparison.reported, comparison.reported_provenance),
                              ("Like for like", comparison.like_for_like, comparison.like_for_like_provenance)):
        change = yoy.Comparison.change(pair)
        delta = (yoy.points_phrase(pair[0], pair[1], previous_fy) if measure.unit == "%"
                 else None if change is None else f"{formats.percent(change, 1, sign=True)} on {previous_fy}")
        tiles.append(Tile(f"{name}, {fy}", measure.value_text(pair[0]), delta,
                          help=f"{previous_fy}: {measure.value_text(pair[1])}. Source: {prov.words(kinds)}.",
                          caption=prov.badge(kinds)))
    status = target_rules.target_status(targets, fy, comparison.reported[0], measure) if targets is not None else None
    target_tile = (Tile(f"Target {fy}", status.target_text, status.gap_text, help=status.note, caption=status.verdict)
                   if status else None)
    months = len(compared.months)
    return Summary(
        yoy.headline(measure, comparison, scope_name, like_for_like),
        part_year=(f"{fy} is a part year: year to date ({months} months) against the same months of "
                   f"{previous_fy}." if months < 12 else None),
        tiles=tuple(tiles), target_tile=target_tile, excluded=compared.excluded,
        comparison=comparison, months=tuple(compared.months), target=status)


def monthly(run: Run, measure_code: str, fy: str, previous_fy: str, borough: str | None, scope: str,
            chosen: tuple[str, ...], like_for_like: bool) -> tuple[Chart, str] | None:
    """The months of this year against last (like for like, or every branch): the chart and its source note."""
    measure = _measure(run, measure_code)
    compared = _compared(run, measure, fy, previous_fy, borough, chosen)
    if compared is None:
        return None
    frame = yoy.combine(run("branch_monthly_totals", fys=[previous_fy, fy], metrics=measure.metrics,
                            branches=compared.branches(like_for_like)), measure, ["fy", "month"])
    scope_name = ", ".join(chosen) if chosen else scope
    title = f"{measure.label} month by month: {fy} against {previous_fy}" + (", like for like" if like_for_like else "")
    shown = Chart("yoy_monthly",
                  charts.fy_overlay(frame, fy, previous_fy, measure.label, measure.unit, title,
                                    value_format=yoy.value_format(measure)),
                  overview.chart_summary(measure, frame, fy, scope_name, measure.value_text),
                  overview.monthly_table(frame, fy, previous_fy))
    return shown, overview.monthly_provenance_note(frame, [fy, previous_fy])


def _trends(run: Run, measure: catalogue.Measure, borough: str | None, chosen: tuple[str, ...]) -> pd.DataFrame:
    trends = run("branch_trends", metrics=measure.metrics, borough=borough)
    return trends[trends["branch"].isin(chosen)] if chosen else trends


def across_years(run: Run, measure_code: str, borough: str | None, scope: str,
                 chosen: tuple[str, ...]) -> tuple[Chart, pd.DataFrame]:
    """Every year of the scope with events and targets: the chart, and the events table."""
    measure = _measure(run, measure_code)
    scope_name = ", ".join(chosen) if chosen else scope
    yearly = yoy.yearly(_trends(run, measure, borough, chosen), measure, scope_name)
    events = _events(run, borough)
    shown = Chart("yoy_trend", charts.trend(yearly, measure.label,
                                            f"{measure.label} across the years: {scope_name}, as reported",
                                            yoy.value_format(measure), events[events["date_precision"] != "year"],
                                            _targets(run, measure, borough, chosen)),
                  yoy.trend_summary(yearly, measure), yoy.trend_table(yearly, measure))
    return shown, overview.events_table(events.drop(columns=["number"]))


def ranking(run: Run, measure_code: str, fy: str, previous_fy: str, borough: str | None,
            chosen: tuple[str, ...], like_for_like: bool, *,
            basis: _Compared | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None] | None:
    """Each branch's figure in both years with its trend (the ranking), and the movers the drivers chart draws
    (a measure that adds up; None for a ratio), without drawing it (the appraisal draws its own twelve).
    basis: this choice's basis(…), when the caller has it already."""
    measure = _measure(run, measure_code)
    compared = basis if basis is not None else _compared(run, measure, fy, previous_fy, borough, chosen)
    if compared is None:
        return None
    names = run("branches")
    borough_of = dict(zip(names["branch"], names["borough"]))
    # a merged unit ("Penge (with Anerley)") is in its successor's borough, and its trend is its branches' together
    for unit, members in compared.units.items():
        borough_of[unit] = borough_of.get(members[0])
    trends = yoy.as_units(_trends(run, measure, borough, chosen), compared.units)
    table = yoy.branch_table(compared.per_branch, measure, fy, previous_fy, borough_of,
                             yoy.branch_trends(trends, measure))
    if measure.kind != "sum":
        return table, None
    return table, yoy.drivers(table, compared.included if like_for_like else list(table["Branch"]))


def branches(run: Run, measure_code: str, fy: str, previous_fy: str, borough: str | None,
             chosen: tuple[str, ...], like_for_like: bool) -> tuple[pd.DataFrame, str, Chart | None] | None:
    """The Branches tab: the ranking, its value format, and the drivers chart."""
    ranked = ranking(run, measure_code, fy, previous_fy, borough, chosen, like_for_like)
    if ranked is None:
        return None
    table, movers = ranked
    measure = _measure(run, measure_code)
    drivers = None
    if movers is not None and not movers.empty:
        title = yoy.drivers_title(movers, measure, previous_fy)
        if len(movers) > MOVERS_DRAWN:
            title += f"; the {MOVERS_DRAWN} biggest of {formats.plural(len(movers), 'branch')}"
        drivers = Chart("yoy_drivers", charts.diverging_bars(movers.head(MOVERS_DRAWN), title, measure.unit or "units"),
                        yoy.drivers_summary(movers, measure, previous_fy), movers)
    return table, yoy.value_format(measure), drivers


def proportions(run: Run, measure_code: str, fy: str, previous_fy: str, borough: str | None,
                chosen: tuple[str, ...]) -> tuple[str, rates.Rate] | None:
    """The measure per 1,000 population (or per opening hour, for chosen branches), as reported."""
    measure = _measure(run, measure_code)
    compared = _compared(run, measure, fy, previous_fy, borough, chosen)
    if compared is None or measure.kind != "sum":
        return None
    if chosen:
        hours = run("branch_opening_hours", fys=[previous_fy, fy], borough=borough, months=compared.months)
        return (f"{measure.label} per opening hour",
                rates.per_opening_hour(compared.per_branch, hours[hours["branch"].isin(chosen)], measure, fy, previous_fy))
    return (f"{measure.label} per 1,000 population",
            rates.per_population(compared.per_branch, run("population_by_year", fys=[previous_fy, fy], borough=borough),
                               measure, fy, previous_fy, compared.reported_provenance))


def ratios(run: Run, fy: str, previous_fy: str, borough: str | None, chosen: tuple[str, ...]) -> pd.DataFrame:
    """The board's ratios for both years (whatever the measure): issues per visit, PC use, children's share."""
    months = list(run("months_in_year", fy=fy, borough=borough)["month_number"])
    frame = run("branch_year_totals", fys=[previous_fy, fy], metrics=yoy.RATIO_METRICS, borough=borough, months=months)
    if chosen:
        frame = frame[frame["branch"].isin(chosen)]
    return rates.ratio_table(frame, catalogue.measures(run("metric_catalogue")), fy, previous_fy)
