"""The Branches page's computed parts: a branch's months against the year before, where it stands, and how complete
its figures are."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from libstats import branch, catalogue, charts, formats, overview
from libstats.parts import Chart, Run, Table


@dataclass(frozen=True)
class MonthByMonth:
    """The branch page's months: one measure's chart against the year before, where its figures come from, and
    the table of every measure. Add a field here (and a line on the page) for more to say about the months."""
    chart: Chart
    note: str
    every_measure: Table


def month_by_month(run: Run, name: str, fy: str, previous_fy: str, metric: str) -> MonthByMonth:
    """The branch's months of one measure (a stored metric) in fy against previous_fy."""
    catalogue_rows = run("metric_catalogue")
    figures = run("branch_figures", branch=name)
    year_figures = figures[figures["fy"].isin([fy, previous_fy])]
    labels = branch.label_of(catalogue_rows)
    monthly = year_figures[year_figures["metric"] == metric]
    measure = catalogue.measures(catalogue_rows)[metric] if metric in set(catalogue_rows["metric"]) else \
        catalogue.Measure(metric, labels[metric], "sum", (metric,), unit=labels[metric].lower())
    months_in = sorted({pd.Timestamp(m).month for m in monthly.loc[monthly["fy"] == fy, "month"]})
    title, _, _ = overview.chart_title(measure, monthly, fy, previous_fy, months_in)
    # counts made over several months (a quarter) are drawn as one bar each, and said in the chart's sentence
    counted = run("branch_counted_periods", branch=name, metric=metric, fys=[fy, previous_fy])
    shown = Chart("branch_chart",
                  charts.fy_overlay(monthly, fy, previous_fy, measure.label, measure.unit, title, counted=counted),
                  " ".join([overview.chart_summary(measure, monthly, fy, name), *counted_sentences(counted)]),
                  overview.monthly_table(monthly, fy, previous_fy))
    return MonthByMonth(shown, overview.monthly_provenance_note(monthly, [fy, previous_fy]),
                        Table("Every measure, month by month", branch.month_table(
                            run("branch_month_grid", branch=name, fy=fy, previous_fy=previous_fy),
                            catalogue_rows, fy, previous_fy)))


def counted_sentences(counted: pd.DataFrame) -> list[str]:
    """'April to June 2016 was counted as one figure of 1,500, drawn as one bar over its months.'"""
    return [f"{pd.Timestamp(start):%B} to {pd.Timestamp(end):%B %Y} was counted as one figure of "
            f"{formats.number(value)}, drawn as one bar over its months at its monthly average (the table gives those "
            "months as a modelled spread)." for start, end, value in zip(counted["period_start"], counted["period_end"], counted["value"])]


def standing(run: Run, name: str, fy: str) -> Table:
    """Where the branch stands in its year: ranks, sums and medians in SQL (queries/branch_standing.sql), worded
    by branch.standing."""
    return Table("Where the branch stands", branch.standing(run("branch_standing", **branch.standing_parameters(name, fy))))


@dataclass(frozen=True)
class Completeness:
    """How complete a branch's year is: the months missing in a sentence, each month's state, the months that
    have figures (for the quality checks shown with them), and where the year's figures come from."""
    sentence: str
    grid: Table
    months: tuple[str, ...]              # "2016-04", …: months of the year with any figure
    provenance_note: str


def completeness(run: Run, name: str, fy: str, previous_fy: str) -> Completeness:
    """Each month of fy: due or not, how many measures have figures, and where they come from (branch.completeness)."""
    figures = run("branch_figures", branch=name)
    grid, missing = branch.completeness(list(run("branch_expected_months", branch=name, fy=fy)["month"]), figures, fy)
    sentence = (f"Months missing: {', '.join(missing)}." if missing else
                f"No month is missing: every month {name} was due to report has figures.")
    months = tuple(sorted({f"{m:%Y-%m}" for m in pd.to_datetime(figures.loc[figures["fy"] == fy, "month"])}))
    return Completeness(sentence, Table("Month by month: due, present, and where the figures come from", grid), months,
                        overview.monthly_provenance_note(figures[figures["fy"].isin([fy, previous_fy])], [fy, previous_fy]))
