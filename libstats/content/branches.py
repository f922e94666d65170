"""The Branches page's computed parts: a branch's months against the year before, and where it stands."""
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
