"""The import history, its changes and its reasons in people's words: headings, not column names, and "—" not None."""
from __future__ import annotations

import pandas as pd

from libstats import formats

NOTHING = "—"

HISTORY = {"import_id": "Import", "imported_at": "When", "imported_by": "Imported by", "file_name": "File",
           "file_shape": "File layout", "rows_added": "Rows added", "rows_changed": "Rows changed",
           "rows_unchanged": "Rows unchanged", "warnings": "Warnings let through", "undone_at": "Undone",
           "undone_by": "Undone by"}
CHANGES = {"import_id": "Import", "borough": "Borough", "branch": "Branch", "month": "Month", "label": "Measure",
           "old_value": "Value before", "new_value": "Value imported", "old_provenance": "Source before",
           "old_import_id": "From import", "file_row": "Row in the file"}
REASONS = {"import_id": "Import", "check_name": "Check", "branch": "Branch", "month": "Month", "metric": "Measure",
           "message": "Warning", "reason": "Reason given"}


def _when(value) -> str:
    if value is None or pd.isna(value):
        return NOTHING
    stamp = pd.Timestamp(value)
    return f"{stamp:%d %b %Y %H:%M}" if (stamp.hour, stamp.minute, stamp.second) != (0, 0, 0) else f"{stamp:%d %b %Y}"


def _shown(frame: pd.DataFrame, names: dict[str, str], dates: tuple[str, ...] = (), months: tuple[str, ...] = ()) -> pd.DataFrame:
    out = frame[[c for c in names if c in frame.columns]].copy()
    for column in out.columns:
        if column in dates:
            out[column] = out[column].map(_when)
        elif column in months:
            out[column] = out[column].map(lambda m: NOTHING if m is None or pd.isna(m) else f"{pd.Timestamp(m):%b %Y}")
        elif out[column].isna().any():
            out[column] = out[column].map(lambda v: NOTHING if v is None or pd.isna(v) else
                                          formats.number(v) if isinstance(v, float) and v == int(v) else v)
    return out.rename(columns=names)


def history(imports: pd.DataFrame) -> pd.DataFrame:
    """Every import: Import, When, Imported by, File, …, Undone ("—" while it stands), Undone by."""
    return _shown(imports, HISTORY, dates=("imported_at", "undone_at"))


def changes(frame: pd.DataFrame) -> pd.DataFrame:
    """What one import wrote: "—" before a figure it added; a count over a period or a year says which."""
    shown = _shown(frame, CHANGES, months=("month",))
    if "period" in frame.columns:
        period = frame["period"].to_numpy(dtype=object)
        has = pd.notna(period)
        shown.loc[has, "Month"] = period[has]
        shown["Branch"] = shown["Branch"].where(pd.notna(frame["branch"].to_numpy(dtype=object)), NOTHING)
    return shown


def reasons(frame: pd.DataFrame) -> pd.DataFrame:
    """The warnings one import went ahead with, and the reason given for each."""
    return _shown(frame, REASONS, months=("month",))
