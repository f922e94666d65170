"""The checks on every record of a file: names, months and values, figures given twice, closed months, and
the diff against the figures stored."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from libstats import formats
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


def mapped(column: pd.Series, mapping: dict, default=None) -> pd.Series:
    """column.map(mapping), looking each distinct value up once (Series.map is slow on a million rows)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    answers = np.array([mapping.get(u, default) for u in uniques] + [default], dtype=object)
    return pd.Series(answers[codes], index=column.index, dtype=object)


def _sorted_unique(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.row if p.row is not None else 0,))


def _factorize(*columns: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """Codes for the distinct combinations of some text columns (missing as ''), and those combinations."""
    codes, uniques = None, []
    for column in columns:
        c, u = pd.factorize(column.fillna(""), use_na_sentinel=False)      # text stays in its own type
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
        values = pc.cast(pa.array(cleaned, type=pa.string()), pa.float64())
        return pd.Series(values.to_numpy(zero_copy_only=False), index=text.index, dtype=float)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(cleaned, errors="coerce").astype(float)


def _resolve_values(cat: Catalogue, rec: pd.DataFrame):
    """Numbers as typed ('1,234' is 1234); non-numeric, negative and fractional counts are problems."""
    text = rec["value_text"].fillna("").astype(str).str.strip()
    values = _numbers(text)
    not_number = values.isna() | ~np.isfinite(values)
    negative = ~not_number & (values < 0)
    units = mapped(rec["metric"], cat.units)
    fraction = ~not_number & ~negative & units.isin(WHOLE_UNITS) & (values % 1 != 0)
    ceiling = mapped(rec["metric"], CEILING, ANY_CEILING).astype(float)
    too_big = ~not_number & ~negative & (values > ceiling)
    problems = []
    for r in rec[too_big].itertuples():
        why = CEILING_WORDS.get(r.metric, "any measure of one branch in one month")
        problems.append(Problem(r.row, r.value_col, (
            f"{text[r.Index]} is not a plausible figure for {cat.labels.get(r.metric, r.metric)}: the most there "
            f"could be is {formats.number(ceiling[r.Index])} ({why}).")))
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


# The file's rows as the SQL checks read them: the keys and the value only (the words for a problem, and the
# columns a person sees, are taken from the records by ordinal, for the few rows that need them).
PARSED_SCHEMA = pa.schema([("ordinal", pa.int64()), ("row", pa.int64()), ("branch", pa.string()),
                           ("month", pa.date32()), ("metric", pa.string()), ("value", pa.float64()),
                           ("month_on_row", pa.bool_()), ("good", pa.bool_())])


def _names(values: pd.Series) -> pa.Array:
    """A column of few distinct names (branches, metrics) as Arrow: each name converted once, not per row."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    dictionary = pa.array(np.asarray(uniques, dtype=object), type=pa.string())
    return dictionary.take(pa.array(codes, mask=codes < 0))


def parsed_rows(rec: pd.DataFrame, bad: pd.Series) -> pa.Table:
    """The file's records, resolved, as the one Arrow table the SQL checks read (registered as parsed_rows):
    ordinal is the record's place in the file, good whether it has passed every check so far."""
    month = pa.Array.from_pandas(rec["month"].astype("datetime64[ns]")).cast(pa.date32())
    rows = rec["row"].to_numpy(dtype="int64")
    month_row = pd.to_numeric(rec["month_row"], errors="coerce").to_numpy(dtype=float)
    return pa.table({
        "ordinal": pa.array(np.arange(len(rec), dtype="int64")),
        "row": pa.array(rows),
        "branch": _names(rec["branch"]), "month": month, "metric": _names(rec["metric"]),
        "value": pa.array(rec["value"].to_numpy(dtype=float), type=pa.float64()),
        "month_on_row": pa.array(month_row == rows),
        "good": pa.array(~bad.to_numpy(dtype=bool)),
    }, schema=PARSED_SCHEMA)


def with_good(parsed: pa.Table, bad: pd.Series) -> pa.Table:
    """The table with good brought up to date."""
    return parsed.set_column(parsed.schema.get_field_index("good"), "good", pa.array(~bad.to_numpy(dtype=bool)))


def _marked(rec: pd.DataFrame, ordinals: np.ndarray) -> pd.Series:
    """True for the records at some ordinals."""
    bad = np.zeros(len(rec), dtype=bool)
    bad[ordinals] = True
    return pd.Series(bad, index=rec.index)


def _duplicates(db: Database, cat: Catalogue, rec: pd.DataFrame, parsed: pa.Table):
    """The second and later rows giving the same branch, month and metric (queries/import_duplicates.sql)."""
    found = db.run_over("import_duplicates", {"parsed_rows": parsed})
    ordinals = found["ordinal"].to_numpy(dtype="int64")
    columns = rec["value_col"].to_numpy(dtype=object)[ordinals]
    labels = cat.labels
    problems = [Problem(int(r.row), column, (
        f"{r.branch}, {labels[r.metric]} for {month_name(r.month)} is also on row {int(r.first_row)}: "
        "give each figure once.")) for r, column in zip(found.itertuples(), columns)]
    return _marked(rec, ordinals), problems


def _closed(db: Database, cat: Catalogue, rec: pd.DataFrame, parsed: pa.Table):
    """Figures for a month in which the branch was not open, or not in its borough's return
    (queries/import_closed.sql, against each branch's open stretches worked out once here)."""
    branches = [b for b in pd.unique(rec["branch"].dropna()) if b in cat.info]
    spans = [(b, start, end) for b in branches for start, end in cat.spans(b)]
    table = pa.table({
        "branch": pa.array([b for b, _, _ in spans], type=pa.string()),
        "first_day": pa.array([pd.Timestamp(s).date() for _, s, _ in spans], type=pa.date32()),
        "last_day": pa.array([None if e is None else pd.Timestamp(e).date() for _, _, e in spans], type=pa.date32()),
    })
    found = db.run_over("import_closed", {"parsed_rows": parsed, "branch_spans": table})
    ordinals = found["ordinal"].to_numpy(dtype="int64")
    columns = np.where(found["month_on_row"].to_numpy(dtype=bool), rec["month_col"].to_numpy(dtype=object)[ordinals],
                       rec["value_col"].to_numpy(dtype=object)[ordinals])
    messages: dict[tuple, str | None] = {}
    problems = []
    shut = np.zeros(len(found), dtype=bool)
    for i, (r, column) in enumerate(zip(found.itertuples(), columns)):
        month = pd.Timestamp(r.month)
        key = (r.branch, month)
        if key not in messages:
            messages[key] = _closed_problem(cat, r.branch, month)
        if messages[key] is not None:
            shut[i] = True
            problems.append(Problem(int(r.row), column, messages[key]))
    return _marked(rec, ordinals[shut]), problems


STATUS = ("added", "unchanged", "changed")        # what import_diff.sql's status numbers mean


def _diff(db: Database, cat: Catalogue, rec: pd.DataFrame, parsed: pa.Table) -> tuple[pd.DataFrame, np.ndarray]:
    """Each valid figure of the file against what is stored: added, changed or unchanged (queries/import_diff.sql,
    which looks up only the file's own figures), in the order of the file's rows; and the ordinals of its rows."""
    found = db.run_over("import_diff", {"parsed_rows": parsed}, arrow=True)
    ordinals = found["ordinal"].to_numpy()
    order = np.argsort(rec["row"].to_numpy(dtype="int64")[ordinals], kind="stable")
    found, ordinals = found.take(pa.array(order)), ordinals[order]
    diff = pd.DataFrame({c: rec[c].take(ordinals).reset_index(drop=True)     # each column in its own type
                         for c in ("row", "borough", "branch", "month", "metric", "value", "value_col")})
    diff = diff.rename(columns={"value": "new_value"})
    diff["old_value"] = found["old_value"].to_numpy(zero_copy_only=False)
    diff["old_provenance"] = found["old_provenance"].dictionary_encode().to_pandas()     # a few words, many times
    diff["old_import_id"] = found["old_import_id"].to_pandas().astype("Int64")
    diff["status"] = np.array(STATUS, dtype=object)[found["status"].to_numpy()]
    diff["label"] = mapped(diff["metric"], cat.labels)
    diff["row"] = diff["row"].astype("int64")
    return diff, ordinals


def checked_figures(parsed: pa.Table, diff: pd.DataFrame, ordinals: np.ndarray) -> pa.Table:
    """The diff's figures as the plausibility checks read them (quality.check): changes is False for a figure
    stored already with the same value."""
    table = parsed.select(["row", "branch", "month", "metric", "value"]).take(pa.array(ordinals))
    return table.append_column("column", _names(diff["value_col"])).append_column(
        "changes", pa.array(diff["status"].to_numpy(dtype=object) != "unchanged"))
