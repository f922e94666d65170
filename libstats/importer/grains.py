"""The checks and the diff of figures not at the grain of one branch-month (issue 18): counts over a period
(a quarter, a sampled week) and annual figures of a borough. validate() (plan.py) hands these records here.

- A period of whole months (a quarter) is checked against every month it covers: the file's own months and
  periods, the months and periods already imported. A count is given once, so overlaps are problems.
- A sample (a week, an 8-day window, a day) is never summed, so samples may overlap (Plymouth's windows do);
  the same period twice is still a problem.
- An annual figure belongs to a borough and a financial year, and replaces the warehouse's for that year.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from libstats import periods
from libstats.db import Database
from libstats.importer.checks import WHOLE_UNITS, _numbers, _resolve_branches, _resolve_metrics, _resolve_values
from libstats.importer.common import Problem
from libstats.importer.names import Catalogue, _closed_problem, _name_key, resolve_borough
from libstats.quality import month_name

GRAIN_COLUMNS = ("period_start", "period_end", "period_col", "method", "fy_text", "fy_col")
PREVIEW = ["row", "borough", "branch", "month", "metric", "label", "old_value", "new_value", "period"]
PERIOD_WRITES = ["row", "branch", "metric", "period_start", "period_end", "grain", "old_value", "old_method",
                 "old_import_id", "new_value", "method"]
ANNUAL_WRITES = ["row", "borough", "fy", "metric", "old_value", "old_provenance", "old_import_id", "new_value"]


def with_grain_columns(rec: pd.DataFrame) -> pd.DataFrame:
    """Records with every grain column (a layout that has none gives them empty)."""
    missing = [c for c in GRAIN_COLUMNS if c not in rec.columns]
    return rec.assign(**{c: None for c in missing}) if missing else rec


def kinds(cat: Catalogue, rec: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(annual, periodic) masks: an annual measure, or a financial year given in its own column (the annual
    layout); a count over a period (a year of a monthly measure among them: twelve whole months)."""
    codes, texts = pd.factorize(rec["metric_text"].fillna("").to_numpy(dtype=object))   # each name looked up once
    grains = np.array([cat.grains.get(cat.metric_names.get(_name_key(t), ""), "") for t in texts] + [""], dtype=object)
    grain = pd.Series(grains[codes], index=rec.index)
    dated = rec["fy_text"].notna() | rec["period_start"].notna()     # not a month: a monthly layout's stays there
    annual = ((grain == "annual") & dated) | (rec["fy_text"].notna() & rec["period_start"].isna())
    periodic = rec["period_start"].notna() & ~annual
    return annual, periodic


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


# ------------------------------------------------------------------------------------------------ periods

def check_periods(db: Database, cat: Catalogue, rec: pd.DataFrame, monthly: pd.DataFrame,
                  today: dt.date) -> tuple[pd.DataFrame, list[Problem]]:
    """Counts over periods other than one month: (the diff, one row per valid period figure; problems).

    monthly: the file's valid monthly figures (branch, month, metric, row), which a period may not cover."""
    if rec.empty:
        return _empty(PREVIEW + PERIOD_WRITES + ["status"]), []
    rec = rec.copy()
    problems: list[Problem] = []
    rec["branch"], rec["borough"], found = _resolve_branches(cat, rec)
    problems += found
    rec["metric"], found = _resolve_metrics(cat, rec)
    problems += found
    rec["value"], value_bad, found = _resolve_values(cat, rec)
    problems += found
    bad = rec["branch"].isna() | rec["metric"].isna() | value_bad
    rec["period_start"] = pd.to_datetime(rec["period_start"])
    rec["period_end"] = pd.to_datetime(rec["period_end"])
    rec["grain"] = [periods.Period(s.date(), e.date()).grain for s, e in zip(rec["period_start"], rec["period_end"])]
    rec["words"] = [periods.describe(s, e) for s, e in zip(rec["period_start"], rec["period_end"])]
    rec["label"] = rec["metric"].map(cat.labels)

    future = rec["period_end"] > pd.Timestamp(today)
    for r in rec[future & ~bad].itertuples():
        problems.append(Problem(r.row, r.period_col, (
            f"The count for {r.words} ends in the future (today is {today:%d %B %Y}). Is the year a typo?")))
    bad |= future
    for r in rec[~bad].itertuples():
        problem = _closed_in(cat, r.branch, r.period_start, r.period_end)
        if problem:
            problems.append(Problem(r.row, r.period_col, problem))
            bad[r.Index] = True

    good = rec[~bad]
    found, clash = _clashes_in_file(good, monthly)
    problems += found
    good = good[~good.index.isin(clash)]
    stored_periods, stored_months = _stored(db, good)
    found, clash = _clashes_with_store(good, stored_periods, stored_months)
    problems += found
    good = good[~good.index.isin(clash)]
    return _diff(good, stored_periods), problems


def _closed_in(cat: Catalogue, branch: str, start: pd.Timestamp, end: pd.Timestamp) -> str | None:
    """Why a branch cannot have a count for a period: it was open on none of its days (None if it was)."""
    if any(s <= end and (e is None or e >= start) for s, e in cat.spans(branch)):
        return None
    return _closed_problem(cat, branch, start.replace(day=1))


def _who(r) -> str:
    return f"{r.branch}, {r.label}"


def _clashes_in_file(good: pd.DataFrame, monthly: pd.DataFrame) -> tuple[list[Problem], set]:
    """The same period twice; whole-month periods overlapping each other or a month given on its own."""
    problems, clash = [], set()
    for (branch, metric), group in good.groupby(["branch", "metric"], sort=False):
        seen: list = []
        for r in group.sort_values("row").itertuples():
            for earlier in seen:
                same = (earlier.period_start, earlier.period_end) == (r.period_start, r.period_end)
                overlap = "months" == r.grain == earlier.grain and earlier.period_start <= r.period_end \
                    and r.period_start <= earlier.period_end
                if same or overlap:
                    problems.append(Problem(r.row, r.period_col, (
                        f"{_who(r)} for {r.words} is also on row {earlier.row}: give each figure once." if same else
                        f"{_who(r)} for {r.words} overlaps row {earlier.row} ({earlier.words}): a count over whole "
                        "months is given once for each month.")))
                    clash.add(r.Index)
                    break
            else:
                seen.append(r)
        if monthly.empty:
            continue
        months = monthly[(monthly["branch"] == branch) & (monthly["metric"] == metric)]
        for r in group[group["grain"] == "months"].itertuples():
            inside = months[(months["month"] >= r.period_start) & (months["month"] <= r.period_end)]
            if not inside.empty and r.Index not in clash:
                first = inside.sort_values("row").iloc[0]
                problems.append(Problem(r.row, r.period_col, (
                    f"{_who(r)} for {r.words} covers {month_name(first['month'])}, which row {int(first['row'])} gives "
                    "on its own: give each month's count once.")))
                clash.add(r.Index)
    return problems, clash


def _stored(db: Database, good: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The periods and the months imported one by one, of the file's branches and metrics."""
    if good.empty:
        return (_empty(["branch", "metric", "period_start", "period_end", "grain", "value", "method", "import_id"]),
                _empty(["branch", "month", "metric", "import_id"]))
    branches, metrics = sorted(good["branch"].unique()), sorted(good["metric"].unique())
    stored_periods = db.run("import_periods", branches=branches, metrics=metrics)
    stored_months = db.run("import_entered_months", branches=branches, metrics=metrics)
    for frame, columns in ((stored_periods, ["period_start", "period_end"]), (stored_months, ["month"])):
        for c in columns:
            frame[c] = pd.to_datetime(frame[c])
    return stored_periods, stored_months


def _clashes_with_store(good: pd.DataFrame, stored_periods: pd.DataFrame,
                        stored_months: pd.DataFrame) -> tuple[list[Problem], set]:
    """A whole-months period over months imported one by one, or overlapping another period imported."""
    problems, clash = [], set()
    for r in good[good["grain"] == "months"].itertuples():
        months = stored_months[(stored_months["branch"] == r.branch) & (stored_months["metric"] == r.metric)
                               & stored_months["month"].between(r.period_start, r.period_end)]
        if not months.empty:
            first = months.sort_values("month").iloc[0]
            problems.append(Problem(r.row, r.period_col, (
                f"{_who(r)} for {month_name(first['month'])} was imported on its own (import "
                f"{int(first['import_id'])}): a count for {r.words} over it would count that month twice. Undo import "
                f"{int(first['import_id'])} first, or give the months one by one.")))
            clash.add(r.Index)
            continue
        others = stored_periods[(stored_periods["branch"] == r.branch) & (stored_periods["metric"] == r.metric)
                                & (stored_periods["grain"] == "months") & (stored_periods["period_start"] <= r.period_end)
                                & (stored_periods["period_end"] >= r.period_start)
                                & ~((stored_periods["period_start"] == r.period_start)
                                    & (stored_periods["period_end"] == r.period_end))]
        if not others.empty:
            first = others.iloc[0]
            problems.append(Problem(r.row, r.period_col, (
                f"{_who(r)} for {r.words} overlaps the count for "
                f"{periods.describe(first['period_start'], first['period_end'])} imported by import "
                f"{int(first['import_id'])}: a month is counted once. Undo import {int(first['import_id'])} first, or "
                "give the same period again to replace it.")))
            clash.add(r.Index)
    return problems, clash


def _diff(good: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    keys = ["branch", "metric", "period_start", "period_end"]
    old = stored.rename(columns={"value": "old_value", "method": "old_method", "import_id": "old_import_id"})
    diff = good.merge(old[keys + ["old_value", "old_method", "old_import_id"]], on=keys, how="left")
    diff = diff.rename(columns={"value": "new_value"})
    same = np.isclose(diff["new_value"].astype(float), diff["old_value"].astype(float), rtol=0, atol=1e-9) \
        & (diff["method"].astype(object).fillna("") == diff["old_method"].astype(object).fillna(""))
    diff["status"] = np.where(diff["old_value"].isna(), "added", np.where(same, "unchanged", "changed"))
    diff["month"] = diff["period_start"]
    diff["period"] = [periods.describe(s, e, sample=g == "sample")
                      for s, e, g in zip(diff["period_start"], diff["period_end"], diff["grain"])]
    return diff.sort_values("row", kind="stable").reset_index(drop=True)


def months_in_stored_periods(db: Database, cat: Catalogue, good: pd.DataFrame) -> tuple[pd.Series, list[Problem]]:
    """The file's monthly figures that fall inside a period imported as a whole (a quarter): problems."""
    bad = pd.Series(False, index=good.index)
    if good.empty:
        return bad, []
    stored = db.run("import_periods", branches=sorted(good["branch"].dropna().unique()),
                    metrics=sorted(good["metric"].dropna().unique()))
    stored = stored[stored["grain"] == "months"]
    if stored.empty:
        return bad, []
    problems = []
    for p in stored.itertuples():
        start, end = pd.Timestamp(p.period_start), pd.Timestamp(p.period_end)
        hit = good[(good["branch"] == p.branch) & (good["metric"] == p.metric) & (good["month"] >= start)
                   & (good["month"] <= end)]
        for r in hit.itertuples():
            problems.append(Problem(r.row, r.month_col if r.month_row == r.row else r.value_col, (
                f"{r.branch}, {cat.labels[r.metric]} for {month_name(r.month)} is inside the count for "
                f"{periods.describe(start, end)} imported by import {p.import_id}: undo import {p.import_id} first, "
                "or give the whole period again.")))
            bad[r.Index] = True
    return bad, problems


# ------------------------------------------------------------------------------------------------ annual

def check_annual(db: Database, cat: Catalogue, rec: pd.DataFrame, today: dt.date) -> tuple[pd.DataFrame, list[Problem]]:
    """Annual figures of a borough: (the diff, one row per valid figure; problems)."""
    if rec.empty:
        return _empty(PREVIEW + ANNUAL_WRITES + ["status"]), []
    problems: list[Problem] = []
    out = []
    seen: dict[tuple, int] = {}
    for r in rec.itertuples():
        borough, problem = resolve_borough(cat, r.borough_text or "") if (r.borough_text or "").strip() else \
            (None, "The borough is missing: an annual figure is the borough's.")
        if problem:
            problems.append(Problem(r.row, r.borough_col, problem))
        code = cat.metric_names.get(_name_key(r.metric_text or ""))
        if code is None:
            problems.append(Problem(r.metric_row, r.metric_col, f"“{r.metric_text}” is not a metric we know. Use a "
                                    "metric code from the glossary, e.g. active_borrowers."))
        elif cat.grains[code] != "annual":
            problems.append(Problem(r.row, r.metric_col or r.fy_col, (
                f"{cat.labels[code]} ({code}) is a monthly measure, counted by branch: give it by branch and month (or "
                "quarter), not for a year.")))
            code = None
        fy = _fy_of(r)
        if fy is None:
            problems.append(Problem(r.row, r.fy_col or r.month_col, _fy_problem(r, cat.labels.get(code, "This figure"))))
        elif periods.financial_year(fy) and int(fy[:4]) > today.year - (today.month < 4):
            problems.append(Problem(r.row, r.fy_col, f"{fy} is in the future: is the year a typo?"))
            fy = None
        value, value_problem = _annual_value(r.value_text, cat.units.get(code), cat.labels.get(code, ""))
        if value_problem:
            problems.append(Problem(r.row, r.value_col, value_problem))
        if None in (borough, code, fy, value):
            continue
        key = (borough, fy, code)
        if key in seen:
            problems.append(Problem(r.row, r.value_col, (
                f"{borough}, {cat.labels[code]} for {fy} is also on row {seen[key]}: give each figure once.")))
            continue
        seen[key] = r.row
        out.append({"row": r.row, "borough": borough, "fy": fy, "metric": code, "new_value": value,
                    "label": cat.labels[code], "value_col": r.value_col})
    good = pd.DataFrame(out, columns=["row", "borough", "fy", "metric", "new_value", "label", "value_col"])
    stored = db.run("import_annual", boroughs=sorted(good["borough"].unique()) or [""],
                    metrics=sorted(good["metric"].unique()) or [""])
    old = stored.rename(columns={"value": "old_value", "provenance": "old_provenance", "import_id": "old_import_id"})
    diff = good.merge(old, on=["borough", "fy", "metric"], how="left")
    same = np.isclose(diff["new_value"].astype(float), diff["old_value"].astype(float), rtol=0, atol=1e-9)
    diff["status"] = np.where(diff["old_value"].isna(), "added", np.where(same, "unchanged", "changed"))
    diff["branch"] = diff["borough"] + " (annual)"     # who may write it: the borough's people (auth.in_scope)
    diff["month"] = [pd.Timestamp(int(fy[:4]), 4, 1) for fy in diff["fy"]]
    diff["period"] = "the year " + diff["fy"]
    return diff.sort_values("row", kind="stable").reset_index(drop=True), problems


def _fy_of(r) -> str | None:
    if isinstance(r.fy_text, str) and r.fy_text.strip():
        return periods.financial_year(r.fy_text)
    if pd.notna(r.period_start):
        period = periods.Period(pd.Timestamp(r.period_start).date(), pd.Timestamp(r.period_end).date())
        return period.fy if period.is_financial_year else None
    return None


def _fy_problem(r, label: str) -> str:
    if isinstance(r.fy_text, str) and r.fy_text.strip():
        return f"“{r.fy_text.strip()}” is not a financial year: write it as 2016-17."
    if pd.notna(r.period_start):
        words = periods.describe(r.period_start, r.period_end)
        return (f"{label} is an annual figure: its period must be a financial year, 1 April to 31 March "
                f"(e.g. 2016-04-01/P1Y), not {words}.")
    return f"{label} is an annual figure: give it for a financial year (2016-17), not a month."


def _annual_value(text: str, unit: str | None, label: str) -> tuple[float | None, str | None]:
    text = (text or "").strip()
    value = float(_numbers(pd.Series([text.lstrip("£")], dtype=object)).iloc[0])
    if np.isnan(value) or not np.isfinite(value):
        return None, f"“{text}” is not a number."
    if value < 0:
        return None, f"{text} is negative: a figure cannot be below zero."
    if unit in WHOLE_UNITS and value % 1:
        return None, f"{text} is not a whole number: {label} must be a whole number."
    return value, None


