"""The Data page: what its tabs show, as values (the import forms and history stay in libstats/import_view.py).

Each tab is its own frozen dataclass, computed only when the tab is open: the register checks every stored
figure and the export counts them, which the import tab must not wait for.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from libstats import export, formats, importer, quality
from libstats.parts import Run, Table

STATUSES = ("open", "explained", "corrected")


@dataclass(frozen=True)
class Import:
    """The import tab's words: the measures a one-measure file may be, and the limits on a file."""
    measures: dict[str | None, str]          # metric code (None: the file says) -> label, in the picker's order
    limits: str


def import_tab(run: Run, max_upload_mb: int) -> Import:
    catalogue = run("metric_catalogue")
    monthly = catalogue[catalogue["grain"] == "monthly"]
    return Import({None: "(the file says)", **dict(zip(monthly["metric"], monthly["label"]))},
                  f"Limits: files up to {formats.number(max_upload_mb)} MB, up to "
                  f"{formats.number(importer.MAX_ROWS)} figures in a CSV and {formats.number(importer.MAX_SHEET_CELLS)} "
                  f"cells in a spreadsheet (save a larger one as CSV), and {formats.number(importer.MAX_CELL)} "
                  "characters in a cell.")


@dataclass(frozen=True)
class Register:
    """The data-quality register of a scope, the sentence counting it, and the completeness of a year."""
    frame: pd.DataFrame                      # every flagged figure of the scope (its Measure column is the label)
    summary: str
    completeness: Table

    def shown(self, statuses) -> pd.DataFrame:
        """The register's rows with one of statuses."""
        return self.frame[self.frame["Status"].isin(list(statuses))]


def register(run: Run, flagged: pd.DataFrame, fy: str, scope: str, borough: str | None) -> Register:
    """flagged: the whole register (ui.quality_register, cached); the scope's part of it, counted."""
    frame = flagged if borough is None else flagged[flagged["Borough"] == borough]
    counts = frame["Status"].value_counts()
    summary = (f"{scope}: {formats.plural(len(frame), 'figure')} {formats.verb(len(frame), 'fails', 'fail')} one of "
               f"CIPFA's checks: " + ", ".join(f"{formats.number(counts.get(s, 0))} {s}" for s in STATUSES) + ".")
    grid = quality.completeness(run("completeness_grid", fy=fy, borough=borough))
    return Register(frame, summary, Table(f"Completeness, {fy}", grid))


@dataclass(frozen=True)
class Export:
    """How many figures the full export holds, and whether one Excel sheet can hold them."""
    count: int
    count_text: str
    excel: bool
    excel_note: str | None                   # why there is no Excel button


def export_tab(run: Run) -> Export:
    count = int(run("figure_count")["figures"].iat[0])
    excel = count < export.EXCEL_MAX_ROWS
    return Export(count, f"{formats.plural(count, 'figure')}.", excel,
                  None if excel else f"Too many rows for one Excel sheet ({formats.number(count)}): use CSV or Parquet.")
