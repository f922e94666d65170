"""Warnings for habits of real returns (issue 18) that need a reason before an import goes ahead, beside
CIPFA's checks (quality.check):

- blank_quarter: figures in the last month of quarters with each quarter's other two months blank (in the
  file and in the store), for two quarters or more of one series: Arts Council England's workbooks say "for
  data collected quarterly, enter the total in the last month of that quarter". CIPFA's quarter check looks
  for zeros; this one for blanks.
- repeated: one value three months running, two of them from the file at least (Newcastle's quarterly
  sample copied into each month).
- same_as_last_year: a series of at least three months identical, month by month, to the year before.

Judged on the warehouse as the import would leave it: the file's figures over the stored ones.
"""
from __future__ import annotations

import pandas as pd

from libstats import formats
from libstats.db import Database
from libstats.quality import FigureWarning, month_name, number

QUARTER_ENDS = (3, 6, 9, 12)          # the last months of the financial year's quarters
SAME_SERIES = 3                       # months a series must run to be "the same as last year"


def check(db: Database, figures: pd.DataFrame, labels: dict[str, str]) -> list[FigureWarning]:
    """figures: the file's valid monthly figures (row, column, branch, month, metric, value, changes)."""
    if figures.empty or not figures["changes"].any():
        return []
    f = figures[["row", "column", "branch", "month", "metric", "value", "changes"]].copy()
    f["month"] = pd.to_datetime(f["month"])
    f["m"] = f["month"].dt.year * 12 + f["month"].dt.month - 1
    stored = db.run("import_figures", branches=sorted(f["branch"].unique()), metrics=sorted(f["metric"].unique()))
    stored["month"] = pd.to_datetime(stored["month"])
    stored["m"] = stored["month"].dt.year * 12 + stored["month"].dt.month - 1
    keys = ["branch", "metric", "m"]
    given = pd.MultiIndex.from_frame(f[keys])
    kept = stored[~pd.MultiIndex.from_frame(stored[keys]).isin(given)]
    after = pd.concat([f[keys + ["value"]], kept[keys + ["value"]]]).set_index(keys)["value"]
    after = after[~after.index.duplicated()]
    changed = set(map(tuple, f.loc[f["changes"], keys].itertuples(index=False, name=None)))

    def at(frame: pd.DataFrame, shift: int) -> pd.Series:
        wanted = pd.MultiIndex.from_arrays([frame["branch"], frame["metric"], frame["m"] + shift])
        return pd.Series(after.reindex(wanted).to_numpy(), index=frame.index)

    new = f[f["changes"]]
    warnings = _blank_quarters(new, at, labels) + _repeated(new, at, changed, labels) + _same_as_last_year(new, at, labels)
    return sorted(warnings, key=lambda w: (w.row if w.row is not None else 0, w.key))


def _warning(check_name: str, r, message: str) -> FigureWarning:
    ym = r.month.strftime("%Y-%m")
    return FigureWarning(key=f"{check_name}:{r.branch}:{ym}:{r.metric}", row=int(r.row), column=r.column,
                         message=message, check=check_name, branch=r.branch, month=ym, metric=r.metric)


def _blank_quarters(new: pd.DataFrame, at, labels) -> list[FigureWarning]:
    ends = new[new["month"].dt.month.isin(QUARTER_ENDS) & (new["value"] > 0)]
    if ends.empty:
        return []
    blank = at(ends, -1).isna() & at(ends, -2).isna()
    # a pattern, as the workbooks make it: two or more quarters of the same series given so in this file
    pattern = ends[blank].groupby(["branch", "metric"])["m"].transform("size") >= 2
    out = []
    for r in ends[blank][pattern].itertuples():
        first = r.month - pd.DateOffset(months=2)
        second = r.month - pd.DateOffset(months=1)
        out.append(_warning("blank_quarter", r, (
            f"{r.branch}: {labels[r.metric]} for {month_name(r.month)} is {number(r.value)}, and {first:%B} and "
            f"{month_name(second)} are blank: is it the quarter's total entered in its last month (Arts Council "
            f"England's convention)? If so, give it as a quarter (Count start {first:%Y-%m-%d}, Count end "
            f"{(r.month + pd.offsets.MonthEnd(0)):%Y-%m-%d}) and it is kept as one.")))
    return out


def _repeated(new: pd.DataFrame, at, changed: set, labels) -> list[FigureWarning]:
    """The last figure of the file in a run of one value three months running (one warning a run)."""
    same = (at(new, -1) == new["value"]) & (at(new, -2) == new["value"]) & (new["value"] > 0)
    earlier_in_file = pd.Series([(b, k, m - 1) in changed or (b, k, m - 2) in changed
                                 for b, k, m in zip(new["branch"], new["metric"], new["m"])], index=new.index,
                                dtype=bool)
    runs = new[same & earlier_in_file]
    if runs.empty:
        return []
    follows = at(runs, 1) == runs["value"]
    later_in_file = pd.Series([(b, k, m + 1) in changed for b, k, m in zip(runs["branch"], runs["metric"], runs["m"])],
                              index=runs.index)
    out = []
    for r in runs[~(follows & later_in_file)].itertuples():
        first = r.month - pd.DateOffset(months=2)
        out.append(_warning("repeated", r, (
            f"{r.branch}: {labels[r.metric]} is {number(r.value)} in {first:%B}, "
            f"{(r.month - pd.DateOffset(months=1)):%B} and {month_name(r.month)}: the same figure three months "
            "running. Is one count copied into each month (a quarterly sample)? If so, give it once, as counted.")))
    return out


def _same_as_last_year(new: pd.DataFrame, at, labels) -> list[FigureWarning]:
    """A series of the file's months (SAME_SERIES or more) each equal to the same month a year before."""
    frame = new.assign(last_year=at(new, -12))
    frame = frame.assign(same=frame["last_year"] == frame["value"])
    out = []
    for (branch, metric), group in frame.groupby(["branch", "metric"], sort=False):
        if len(group) >= SAME_SERIES and group["same"].all() and group["value"].sum() > 0:
            first = group.sort_values(["row", "month"], kind="stable").iloc[0]
            months = group.sort_values("month")["month"]
            start, end = months.iloc[0], months.iloc[-1]
            span = f"{start:%B}" if start.year == end.year else month_name(start)
            r = next(group.loc[[first.name]].itertuples())
            out.append(_warning("same_as_last_year", r, (
                f"{branch}: {labels[metric]} for {span} to {month_name(end)} are the same as a year before, month by "
                f"month ({formats.number(len(group))} months): is last year's return sent again?")))
    return out
