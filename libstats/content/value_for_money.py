"""The Value for money page: each borough's tiles, cost per visit across the years, and every year's table."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from libstats import catalogue, charts, formats, vfm
from libstats.parts import Chart, Run, Table, Tile

MOST_TILE_ROWS = 4          # boroughs with their own row of tiles; the table below has every one


@dataclass(frozen=True)
class TileRow:
    """One borough's tiles and where their figures come from."""
    name: str
    tiles: tuple[Tile, ...]
    source: str


@dataclass(frozen=True)
class ValueForMoney:
    table: Table                                 # every year of the boroughs in scope
    tiles: tuple[TileRow, ...]
    tiles_note: str | None
    trend: Chart


def column_format(column: str) -> str:
    """The table's money columns in pounds and pence (formats.column), as the tiles write them; staff, volunteers
    and hours as the reader's browser writes numbers (FTE has decimals)."""
    return formats.column("pence") if "per" in column else formats.column("pounds") if "£" in column else "localized"


def page(run: Run, fy: str, previous_fy: str, borough: str | None) -> ValueForMoney:
    """What the value-for-money page shows for a year and a scope (None: every borough)."""
    table = vfm.value_table(run("annual_by_borough", metrics=vfm.FINANCE, borough=None),
                        run("yearly_by_borough", metrics=["visits", *catalogue.BOOK_ISSUES]),
                        run("population_all"))
    shown = table if borough is None else table[table["Borough"] == borough]
    this_year = shown[shown["Financial year"] == fy]
    this_year = this_year.sort_values("Borough", key=lambda b: ~b.isin(vfm.OURS), kind="stable")     # ours first
    before = shown[shown["Financial year"] == previous_fy].set_index("Borough")
    tiles = []
    for row in this_year.head(MOST_TILE_ROWS).to_dict("records"):
        row_tiles = []
        for code, field in vfm.TILES:
            measure = catalogue.measure(code)
            last = before[field].get(row["Borough"]) if field in before else None
            change = None if last is None or pd.isna(last) or last == 0 else \
                f"{formats.percent((row[field] / last - 1), 1, sign=True)} on {previous_fy}"
            row_tiles.append(Tile(measure.label, measure.value_text(row[field]), change, delta_color="inverse"))
        tiles.append(TileRow(row["Borough"], tuple(row_tiles), row["Source"]))
    note = (f"Tiles for {MOST_TILE_ROWS} of {formats.number(len(this_year))} authorities (ours first); the table below has every one."
            if len(this_year) > MOST_TILE_ROWS else None)
    trend = shown[["Borough", "Financial year", "Net cost per visit (£)", "provenance"]].rename(
        columns={"Borough": "series", "Financial year": "fy", "Net cost per visit (£)": "value"})
    trend = trend.assign(months=12)
    chart = Chart("vfm_trend", charts.trend(trend, "Net cost per visit (£)", "Net cost per visit, by borough and year", formats.d3("pence")[0]),
                  "Net expenditure divided by visits for each year; hollow markers are years with any modelled part.",
                  trend.drop(columns=["months"]).assign(value=trend["value"].round(2)))
    return ValueForMoney(Table("Every year", shown.drop(columns=["provenance"])), tuple(tiles), note, chart)
