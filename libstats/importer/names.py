"""The catalogue a file is checked against, and the names in it: branches, boroughs, metrics, months, and
the months each branch was open."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

import pandas as pd

from libstats.db import Database
from libstats.importer.common import _either
from libstats.quality import month_name


@dataclass
class Catalogue:
    """Branches, aliases, boroughs, opening periods and metrics: everything a file is checked against."""
    branches: pd.DataFrame
    aliases: dict[str, str]
    boroughs: pd.DataFrame
    periods: pd.DataFrame
    metrics: pd.DataFrame

    @classmethod
    def load(cls, db: Database) -> "Catalogue":
        aliases = db.run("import_branch_aliases")
        return cls(
            branches=db.run("import_branches"),
            aliases={_name_key(a): b for a, b in zip(aliases["alias"], aliases["branch"])},
            boroughs=db.run("import_boroughs"),
            periods=db.run("import_branch_periods"),
            metrics=db.run("import_metrics"),
        )

    def __post_init__(self) -> None:
        self.labels = dict(zip(self.metrics["metric"], self.metrics["label"]))
        self.units = dict(zip(self.metrics["metric"], self.metrics["unit"]))
        self.info = {r["branch"]: r for r in _records_of(self.branches)}
        # Every way a branch may be named, lower case -> branches (a short name like 'Central' may be several).
        self.names: dict[str, set[str]] = {}
        for b in self.info.values():
            for name in (b["branch"], b["short_name"]):
                self.names.setdefault(_name_key(name), set()).add(b["branch"])
        for alias, branch in self.aliases.items():
            self.names.setdefault(alias, set()).add(branch)
        self.metric_names: dict[str, str] = {}
        for code, label in self.labels.items():
            for name in (code, code.replace("_", " "), label):
                self.metric_names.setdefault(_name_key(name), code)
        self.grains = dict(zip(self.metrics["metric"], self.metrics["grain"]))
        self.periods_of: dict[str, list[dict]] = {}
        for period in _records_of(self.periods.sort_values("valid_from")):
            self.periods_of.setdefault(period["branch"], []).append(period)
        self._spans: dict[str, list] = {}
        self.borough_answers: dict[str, tuple[str | None, str | None]] = {}   # resolve_borough, once per text

    def branch_borough(self, branch: str) -> str:
        return self.info[branch]["borough"]

    def spans(self, branch: str) -> list[tuple[pd.Timestamp, pd.Timestamp | None]]:
        """open_spans, worked out once per branch."""
        if branch not in self._spans:
            self._spans[branch] = open_spans(self, branch)
        return self._spans[branch]


def _records_of(frame: pd.DataFrame) -> list[dict]:
    """frame.to_dict("records"), a column at a time (to_dict is slow on thousands of rows)."""
    columns = {c: frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns}
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _name_key(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower())


def resolve_borough(cat: Catalogue, text: str) -> tuple[str | None, str | None]:
    """The borough a file names ('Bexley', 'London Borough of Bexley', 'E5032'), or a problem."""
    if text not in cat.borough_answers:
        cat.borough_answers[text] = _resolve_borough(cat, text)
    return cat.borough_answers[text]


def _resolve_borough(cat: Catalogue, text: str) -> tuple[str | None, str | None]:
    key = _name_key(text)
    for b, full, code, gss in cat.boroughs[["borough", "full_name", "flas_code", "gss_code"]].itertuples(index=False):
        if key in (b.lower(), full.lower(), code.lower(), str(gss or "").lower()):
            return b, None
    named = [b for b in cat.boroughs["borough"] if re.search(rf"\b{re.escape(b.lower())}\b", key)]
    if len(named) == 1:
        return named[0], None     # 'Bexley Council', 'Bexley Libraries'
    return None, f"“{text}” is not a borough of this service: use {_either(list(cat.boroughs['borough']))}."


def resolve_branch(cat: Catalogue, text: str, borough_text: str = "",
                   suggest: bool = True) -> tuple[str | None, str | None, bool]:
    """(branch, problem, whether the problem is the borough's) for a name, via aliases, full and short names.

    suggest: look for close spellings of an unknown name (slow: done for the first names only)."""
    if not text.strip():
        return None, "The branch is missing.", False
    borough = None
    if borough_text.strip():
        borough, problem = resolve_borough(cat, borough_text)
        if problem:
            return None, problem, True
    candidates = _branch_candidates(cat, _name_key(text))
    if not candidates and _name_key(text).endswith(" library"):
        candidates = _branch_candidates(cat, _name_key(text)[: -len(" library")])
    if borough is not None:
        inside = [c for c in candidates if cat.branch_borough(c) == borough]
        if candidates and not inside:
            where = _either(sorted({cat.branch_borough(c) for c in candidates}))
            return None, f"“{text}” is in {where}, not {borough}.", True
        candidates = inside
    if len(candidates) == 1:
        return candidates[0], None, False
    if len(candidates) > 1:
        return None, (f"“{text}” could be {_either(sorted(candidates))}: give the full name or fill in the "
                      "borough."), False
    return None, _unknown_branch(cat, text, suggest), False


def _branch_candidates(cat: Catalogue, key: str) -> list[str]:
    return sorted(cat.names.get(key, ()))


def _unknown_branch(cat: Catalogue, text: str, suggest: bool = True) -> str:
    close = difflib.get_close_matches(_name_key(text), list(cat.names), n=6, cutoff=0.6) if suggest else []
    suggestions = list(dict.fromkeys(b for c in close for b in sorted(cat.names[c])))[:3]
    if suggestions:
        return f"“{text}” is not a branch we know. Did you mean {_either(suggestions)}?"
    return f"“{text}” is not a branch we know. Check the spelling against the list of branches."


def resolve_metric(cat: Catalogue, text: str) -> tuple[str | None, str | None]:
    """The metric a code or label means ('visits', 'Visits', 'PC hours used'), or a problem."""
    if not text.strip():
        return None, "The metric is missing."
    key = _name_key(text)
    code = cat.metric_names.get(key)
    if code is None:
        monthly = [c for c, g in cat.grains.items() if g == "monthly"]
        close = difflib.get_close_matches(key.replace(" ", "_"), monthly, n=3, cutoff=0.6)
        if close:
            return None, f"“{text}” is not a metric we know. Did you mean {_either(close)}?"
        return None, f"“{text}” is not a metric we know. Use a metric code from the glossary, e.g. visits."
    label = cat.labels[code]
    if cat.grains[code] != "monthly":
        return None, (f"{label} ({code}) is an annual figure of the borough: give it for a financial year, not a "
                      "month (Authority, Year, Metric, Value: Bexley, 2016-17, " + code + ", …).")
    return code, None


MONTH_NAMES = ("%Y-%m", "%b %Y", "%B %Y", "%b-%y", "%b %y")


def parse_month(text: str) -> pd.Timestamp | None:
    """A month written 2015-04 (or 2015-04-01, as Excel stores it, or Apr 2015); None if it is not one."""
    text = re.sub(r"[ T]00:00(:00)?$", "", text.strip())
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-01)?", text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        return pd.Timestamp(year, month, 1) if 1 <= month <= 12 and year >= 1900 else None
    for pattern in MONTH_NAMES[1:]:
        try:
            return pd.Timestamp(dt.datetime.strptime(text, pattern).replace(day=1))
        except ValueError:
            continue
    return None


def open_spans(cat: Catalogue, branch: str) -> list[tuple[pd.Timestamp, pd.Timestamp | None]]:
    """The stretches a branch was open and in its borough's return: (first day, last day or None)."""
    spans: list[list] = []
    for p in cat.periods_of.get(branch, []):
        # A digital library has no opening hours (null): it is "open" whenever it has a period.
        is_open = pd.isna(p["weekly_hours"]) or float(p["weekly_hours"]) > 0
        start = pd.Timestamp(p["valid_from"])
        end = None if pd.isna(p["valid_to"]) else pd.Timestamp(p["valid_to"])
        if not is_open:
            continue
        if spans and spans[-1][1] is not None and spans[-1][1] + pd.Timedelta(days=1) >= start:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    info = cat.info[branch]
    limits = [pd.Timestamp(d) for d in (info["closed"], info["reports_until"]) if not pd.isna(d)]
    first = None if pd.isna(info["opened"]) else pd.Timestamp(info["opened"])
    out = []
    for start, end in spans:
        if first is not None:
            start = max(start, first)
        for limit in limits:
            end = limit if end is None else min(end, limit)
        if end is None or end >= start:
            out.append((start, end))
    return out


def _spans_text(spans) -> str:
    parts = []
    for start, end in spans:
        if end is None:
            parts.append(f"from {month_name(start)}")
        elif (start.year, start.month) == (end.year, end.month):
            parts.append(f"in {month_name(start)}")
        else:
            parts.append(f"from {month_name(start)} to {month_name(end)}")
    return " and ".join(parts)


def _closed_problem(cat: Catalogue, branch: str, month: pd.Timestamp) -> str | None:
    """Why a branch cannot have figures for a month, or None if it was open then."""
    month_end = month + pd.offsets.MonthEnd(0)
    spans = cat.spans(branch)
    if any(start <= month_end and (end is None or end >= month) for start, end in spans):
        return None
    info = cat.info[branch]
    reports_until = None if pd.isna(info["reports_until"]) else pd.Timestamp(info["reports_until"])
    if reports_until is not None and month > reports_until and pd.isna(info["closed"]):
        return (f"{branch} was not in {info['borough']}’s return in {month_name(month)}: its figures stop after "
                f"{month_name(reports_until)}.")
    if not spans:
        return f"{branch} was not open in {month_name(month)}: we have no opening hours for it."
    return f"{branch} was not open in {month_name(month)}: it was open {_spans_text(spans)}."
