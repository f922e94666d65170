"""The checks on every record of a file: names, months and values, figures given twice, closed months, and
the diff against the figures stored."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from libstats import quality
from libstats.db import Database
from libstats.importer.common import Problem
from libstats.importer.names import Catalogue, _closed_problem, parse_month, resolve_branch, resolve_metric
from libstats.quality import month_name

SUGGESTED = 1_000                    # distinct unknown branch names given a "Did you mean …?"

# The most a branch can plausibly report in one month, by measure (a figure above it is a problem, not a warning):
# visits at one a second, day and night, for 31 days; hours at 1,000 PCs open every hour; anything else 10^9.
CEILING = {"visits": 31 * 24 * 3600, "pc_hours_available": 31 * 24 * 1000, "pc_hours_used": 31 * 24 * 1000}
CEILING_WORDS = {"visits": "one visit a second, day and night, for a whole month",
                 "pc_hours_available": "1,000 computers open every hour of a month",
                 "pc_hours_used": "1,000 computers in use every hour of a month"}
ANY_CEILING = 1_000_000_000
WHOLE_UNITS = {"count", "people"}         # hours may have fractions; counts of things and people may not


def _sorted_unique(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.row if p.row is not None else 0,))


def _factorize(*columns: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """Codes for the distinct combinations of some text columns (missing as ''), and those combinations."""
    codes, uniques = None, []
    for column in columns:
        c, u = pd.factorize(column.fillna("").to_numpy(dtype=object), use_na_sentinel=False)
        if codes is None:
            codes, uniques = c.astype("int64"), [(x,) for x in u]
        else:
            codes, combos = pd.factorize(codes * len(u) + c, sort=False)
            uniques = [uniques[k // len(u)] + (u[k % len(u)],) for k in combos]
    return codes, uniques


def _rows_with(codes: np.ndarray, failing: list[int], rec: pd.DataFrame) -> pd.DataFrame:
    """The records whose distinct value (by code) is one of the failing ones."""
    return rec[np.isin(codes, np.asarray(failing, dtype="int64"))]


def _resolve_branches(cat: Catalogue, rec: pd.DataFrame):
    """Branch and borough of every record, looking each distinct name up once."""
    codes, pairs = _factorize(rec["branch_text"], rec["borough_text"])
    # Close spellings are looked for among the first SUGGESTED names only, so a file of a million made-up
    # names is refused in seconds (each look-up compares the name with every branch's).
    answers = [resolve_branch(cat, t, b, suggest=i < SUGGESTED) for i, (t, b) in enumerate(pairs)]
    branch = pd.Series(np.array([a[0] for a in answers] + [None], dtype=object)[codes], index=rec.index,
                       dtype=object)
    borough = pd.Series(np.array([None if a[0] is None else cat.info[a[0]]["borough"] for a in answers] + [None],
                                 dtype=object)[codes], index=rec.index, dtype=object)
    problems = []
    failing = [i for i, a in enumerate(answers) if a[0] is None]
    if failing:
        hit = _rows_with(codes, failing, rec)
        for r, code in zip(hit.itertuples(), codes[np.isin(codes, failing)]):
            _, message, about_borough = answers[code]
            problems.append(Problem(r.row, r.borough_col if about_borough else r.branch_col, message))
        # the same order as looking the names up one by one: each failing name, then its rows
        order = {code: i for i, code in enumerate(failing)}
        keyed = sorted(zip((order[c] for c in codes[np.isin(codes, failing)]), range(len(problems)), problems))
        problems = [p for _, _, p in keyed]
    return branch, borough, problems


def _resolve_metrics(cat: Catalogue, rec: pd.DataFrame):
    codes, texts = _factorize(rec["metric_text"])
    answers = [resolve_metric(cat, t) for (t,) in texts]
    metric = pd.Series(np.array([a[0] for a in answers] + [None], dtype=object)[codes], index=rec.index, dtype=object)
    problems = []
    failing = rec[metric.isna().to_numpy() & ~rec["metric_checked"].to_numpy()]
    if not failing.empty:
        for r in failing.drop_duplicates(["metric_row", "metric_col", "metric_text"]).itertuples():
            message = resolve_metric(cat, r.metric_text or "")[1]
            if r.metric_row is None or pd.isna(r.metric_row):
                message = f"The metric given for this file: {message}"
            problems.append(Problem(None if pd.isna(r.metric_row) else int(r.metric_row), r.metric_col, message))
    return metric, problems


def _month_answer(text: str, this_month: pd.Timestamp) -> tuple[pd.Timestamp | None, str | None]:
    month = parse_month(text) if text else None
    if not text:
        return None, "The month is missing."
    if month is None:
        return None, f"“{text}” is not a month: write months as YYYY-MM, e.g. 2015-04."
    if month > this_month:
        return None, (f"{month_name(month)} is in the future (this month is {month_name(this_month)}). "
                      "Is the year a typo?")
    return month, None


def _resolve_months(rec: pd.DataFrame, today: dt.date):
    this_month = pd.Timestamp(today.year, today.month, 1)
    codes, texts = _factorize(rec["month_text"])
    answers = {t: _month_answer(t, this_month) for (t,) in texts}
    found = pd.DatetimeIndex([answers[t][0] for (t,) in texts], dtype="datetime64[ns]").to_numpy()
    months = pd.Series(found[codes] if len(texts) else found[:0], index=rec.index, dtype="datetime64[ns]")
    problems = []
    failing = rec[months.isna().to_numpy() & ~rec["month_checked"].to_numpy()]
    if not failing.empty:
        for r in failing.drop_duplicates(["month_row", "month_col", "month_text"]).itertuples():
            problems.append(Problem(int(r.month_row), r.month_col, answers[r.month_text or ""][1]))
    return months, problems


THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")


def _numbers(text: pd.Series) -> pd.Series:
    """Numbers as typed ('1,234' is 1234); NaN for anything that is not one."""
    cleaned = text
    commas = text.str.contains(",", regex=False).to_numpy(dtype=bool)
    if commas.any():
        cleaned = text.copy()
        cleaned[commas] = text[commas].str.replace(THOUSANDS, "", regex=True)
    try:   # the quick way when every value is a plain number; pandas decides whenever one is not
        values = pc.cast(pa.array(cleaned.to_numpy(dtype=object), type=pa.string()), pa.float64())
        return pd.Series(values.to_numpy(zero_copy_only=False), index=text.index, dtype=float)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(cleaned, errors="coerce").astype(float)


def _resolve_values(cat: Catalogue, rec: pd.DataFrame):
    """Numbers as typed ('1,234' is 1234); non-numeric, negative and fractional counts are problems."""
    text = rec["value_text"].fillna("").astype(object).astype(str).str.strip()
    values = _numbers(text)
    not_number = values.isna() | ~np.isfinite(values)
    negative = ~not_number & (values < 0)
    units = rec["metric"].map(cat.units)
    fraction = ~not_number & ~negative & units.isin(WHOLE_UNITS) & (values % 1 != 0)
    ceiling = rec["metric"].map(CEILING).fillna(ANY_CEILING).astype(float)
    too_big = ~not_number & ~negative & (values > ceiling)
    problems = []
    for r in rec[too_big].itertuples():
        why = CEILING_WORDS.get(r.metric, "any measure of one branch in one month")
        problems.append(Problem(r.row, r.value_col, (
            f"{text[r.Index]} is not a plausible figure for {cat.labels.get(r.metric, r.metric)}: the most there "
            f"could be is {ceiling[r.Index]:,.0f} ({why}).")))
    for r in rec[not_number].itertuples():
        problems.append(Problem(r.row, r.value_col, f"“{text[r.Index]}” is not a number."))
    for r in rec[negative].itertuples():
        problems.append(Problem(r.row, r.value_col, f"{text[r.Index]} is negative: a figure cannot be below zero."))
    labels = cat.labels
    for r in rec[fraction].itertuples():
        problems.append(Problem(r.row, r.value_col, (
            f"{text[r.Index]} is not a whole number: {labels[r.metric]} must be whole numbers "
            "(only hours may have fractions).")))
    return values, not_number | negative | fraction | too_big, problems


MONTH_SPAN = 1 << 14          # month numbers (from 1970, offset below) fit in 14 bits; branches and metrics above


def _figure_keys(frame: pd.DataFrame, branches: pd.Index, metrics: pd.Index) -> np.ndarray:
    """One int64 per (branch, month, metric), the same in every frame coded with the same branches and metrics."""
    b = branches.get_indexer(frame["branch"]).astype("int64")
    m = metrics.get_indexer(frame["metric"]).astype("int64")
    month = frame["month"].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype("int64") + MONTH_SPAN // 2
    return (b * MONTH_SPAN + month) * (len(metrics) + 1) + m


def _duplicates(cat: Catalogue, rec: pd.DataFrame):
    """The second and later rows giving the same branch, month and metric."""
    keyed = rec.dropna(subset=["branch", "month", "metric"])
    key = pd.Series(_figure_keys(keyed, pd.Index(keyed["branch"].unique()), pd.Index(keyed["metric"].unique())),
                    index=keyed.index)
    dup = key.duplicated(keep="first")
    bad = pd.Series(False, index=rec.index)
    bad[dup[dup].index] = True
    problems = []
    if dup.any():
        first = keyed.groupby(key)["row"].transform("first")
        labels = cat.labels
        for r in keyed[dup].itertuples():
            problems.append(Problem(r.row, r.value_col, (
                f"{r.branch}, {labels[r.metric]} for {month_name(r.month)} is also on row {first[r.Index]}: "
                "give each figure once.")))
    return bad, problems


def _closed(cat: Catalogue, rec: pd.DataFrame):
    """Figures for a month in which the branch was not open (or not in its borough's return)."""
    keyed = rec.dropna(subset=["branch", "month"])
    codes, pairs = _factorize(keyed["branch"], keyed["month"].astype("int64"))
    pairs = pd.DataFrame([(b, m) for b, m in pairs], columns=["branch", "month"])
    pairs["month"] = pairs["month"].astype("datetime64[ns]")
    # Open if the month overlaps any stretch the branch was open: one vectorised test over every pair.
    spans = pd.DataFrame([(b, start, end) for b in pairs["branch"].unique() for start, end in cat.spans(b)],
                         columns=["branch", "start", "end"])
    spans["start"] = pd.to_datetime(spans["start"]).astype("datetime64[ns]")
    spans["end"] = pd.to_datetime(spans["end"]).astype("datetime64[ns]")
    tested = pairs.reset_index().merge(spans, on="branch", how="inner")
    month_end = (tested["month"].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]") + 1).astype(
        "datetime64[ns]") - np.timedelta64(1, "D")
    overlaps = (tested["start"].to_numpy() <= month_end) & (tested["end"].isna() | (tested["end"] >= tested["month"]))
    is_open = np.zeros(len(pairs), dtype=bool)
    is_open[tested.loc[overlaps.to_numpy(), "index"].to_numpy()] = True
    messages = np.array([None] * len(pairs), dtype=object)
    for i in np.flatnonzero(~is_open):
        messages[i] = _closed_problem(cat, pairs.at[i, "branch"], pairs.at[i, "month"])
    bad = pd.Series(False, index=rec.index)
    problems = []
    shut = np.flatnonzero(~is_open & (messages != None))  # noqa: E711 (elementwise)
    if len(shut):
        hit = np.isin(codes, shut)
        bad[keyed.index[hit]] = True
        problems = [Problem(r.row, r.month_col if r.month_row == r.row else r.value_col, messages[code])
                    for r, code in zip(keyed[hit].itertuples(), codes[hit])]
    return bad, problems


def _stored(db: Database, good: pd.DataFrame) -> pd.DataFrame:
    """The stored figures of the file's branches and metrics, every month (one query for the whole file)."""
    if good.empty:
        return pd.DataFrame({"branch": pd.Series([], dtype=object), "month": pd.Series([], dtype="datetime64[ns]"),
                             "metric": pd.Series([], dtype=object), "value": pd.Series([], dtype=float),
                             "provenance": pd.Series([], dtype=object), "import_id": pd.Series([], dtype="Int64")})
    stored = db.run("import_figures", branches=sorted(good["branch"].unique()),
                    metrics=quality.metrics_needed(good["metric"].unique()))
    stored["month"] = pd.to_datetime(stored["month"]).astype("datetime64[ns]")
    return stored


def _diff(cat: Catalogue, good: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """Each valid figure of the file against what is stored: added, changed or unchanged."""
    diff = good[["row", "borough", "branch", "month", "metric", "value", "value_col"]].rename(
        columns={"value": "new_value"}).reset_index(drop=True)
    branches = pd.Index(pd.unique(np.concatenate([diff["branch"].to_numpy(dtype=object),
                                                  stored["branch"].to_numpy(dtype=object)])))
    metrics = pd.Index(pd.unique(np.concatenate([diff["metric"].to_numpy(dtype=object),
                                                 stored["metric"].to_numpy(dtype=object)])))
    # (branch, month, metric) is stored once (the primary key) and given once in a valid file: a lookup
    at = pd.Index(_figure_keys(stored, branches, metrics)).get_indexer(_figure_keys(diff, branches, metrics))
    found = at >= 0
    old = stored.iloc[np.where(found, at, 0)].reset_index(drop=True) if len(stored) else None
    def taken(column: str, dtype) -> pd.Series:
        if old is None:
            return pd.Series([None] * len(diff), dtype=dtype)
        return old[column].astype(dtype).where(found, None if dtype is object else pd.NA)
    diff["old_value"] = taken("value", "Float64").astype(float)
    diff["old_provenance"] = taken("provenance", object)
    diff["old_import_id"] = taken("import_id", "Int64")
    same = np.isclose(diff["new_value"], diff["old_value"], rtol=0, atol=1e-9)
    diff["status"] = np.where(diff["old_value"].isna(), "added", np.where(same, "unchanged", "changed"))
    diff["label"] = diff["metric"].map(cat.labels)
    return diff.sort_values("row", kind="stable").reset_index(drop=True)
