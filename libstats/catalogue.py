"""The measure catalogue and the scopes: what every measure is called, what one of it is, how it is written and
how it adds up, declared once. Pure: no queries, no Streamlit.

The warehouse's metric table (loaded from data/seed/metrics.csv, read with the `metric_catalogue` query) gives
the stored metrics; `measures(frame)` adds the few derived measures declared here (book issues are the four
issue categories; a ratio is always sum(numerator) / sum(denominator), never a sum or mean of ratios).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from libstats import SEED_DIR

# Book issues are these four categories added together (the seed and every page say so through this tuple).
BOOK_ISSUES = ("issues_adult_fiction", "issues_adult_nonfiction",
               "issues_children_fiction", "issues_children_nonfiction")
CHILDREN_ISSUES = BOOK_ISSUES[2:]


@dataclass(frozen=True)
class Scope:
    """What the dashboard covers: the whole shared service or one borough."""
    name: str                  # as a reader picks it: "Whole service"
    borough: str | None        # the borough a query is limited to (None: both)
    stored: str                # as the targets table records it: "Service"


SCOPES = (Scope("Whole service", None, "Service"), Scope("Bexley", "Bexley", "Bexley"),
          Scope("Bromley", "Bromley", "Bromley"))
SCOPE_NAMES = tuple(s.name for s in SCOPES)
STORED_SCOPES = tuple(s.stored for s in SCOPES)
WHOLE_SERVICE = SCOPES[0].name


def scope_named(name: str) -> Scope:
    return next(s for s in SCOPES if s.name == name)


def borough_of(scope_name: str) -> str | None:
    """The borough a scope stands for, or None for the whole service."""
    return scope_named(scope_name).borough


def stored_scope(borough: str | None) -> str:
    """How the targets table names the scope of a borough (None: the whole service)."""
    return next(s.stored for s in SCOPES if s.borough == borough)


# How a value is written: formats.py renders each one the same in a sentence, a table and a chart's ticks.
#   count: 1,234 · decimal: 1,234.5 · ratio: 1.23 · percent: 12.3% (a share held as 0-1) ·
#   pounds: £1,234 · pence: £1.23
FORMATS = ("count", "decimal", "ratio", "percent", "pounds", "pence")


@dataclass(frozen=True)
class Measure:
    """Something the dashboard shows.

    kind 'sum': monthly metrics added up; 'ratio': sum(numerator) / sum(denominator) (times scale), never a
    sum of ratios; 'annual': a borough's annual figure (never split into months or branches).
    unit: what one of it is called in a sentence ("visits"; "%" for a share, whose change is in points).
    """
    code: str
    label: str
    kind: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    unit: str = ""
    higher_is_better: bool = True
    additive: bool = True
    note: str = ""
    format: str = "count"
    scale: float = 1.0         # a ratio's multiplier: 1,000 for "per 1,000 population"

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r} for {self.code}")

    @property
    def metrics(self) -> list[str]:
        return list(self.numerator) + list(self.denominator)

    @property
    def is_share(self) -> bool:
        """A share (0-1) whose change is told in points, not per cent."""
        return self.format == "percent"

    def value_text(self, value: float | None) -> str:
        from libstats import formats
        return formats.value(value, self.format)


# What one of a stored metric is called in a sentence, where its label in lower case would not say it.
_WORDS = {"count": None, "people": "people", "hours": "hours", "gbp": "£", "fte": "FTE"}
_SAY = {"event_attendance": "attendances", "issues_av_e": "issues", "website_visits": "visits"}
_FORMAT = {"gbp": "pounds", "fte": "decimal"}

# Derived measures: declared here, never restated elsewhere.
BOOK_ISSUES_MEASURE = Measure(
    "book_issues", "Book issues", "sum", BOOK_ISSUES, unit="issues",
    note="Loans of books (adult and children's, fiction and non-fiction), including renewals.")
CHILDREN_ISSUES_MEASURE = Measure(
    "children_issues", "Children's book issues", "sum", CHILDREN_ISSUES, unit="issues",
    note="Loans of children's fiction and non-fiction books, including renewals.")
RATIOS = (
    Measure("issues_per_visit", "Issues per visit", "ratio", BOOK_ISSUES, ("visits",), additive=False,
            format="ratio", note="Book issues divided by visits, each added up first: a ratio is never summed."),
    Measure("pc_utilisation", "PC utilisation", "ratio", ("pc_hours_used",), ("pc_hours_available",), unit="%",
            additive=False, format="percent",
            note="PC hours used divided by PC hours available, each added up first."),
    Measure("children_share", "Children's share of book issues", "ratio", CHILDREN_ISSUES, BOOK_ISSUES, unit="%",
            additive=False, format="percent",
            note="Children's fiction and non-fiction issues as a share of all book issues."),
)
# Ratios over a population or a year's spending: the headline tiles and the peer comparison.
VISITS_PER_1000 = Measure("visits_per_1000", "Visits per 1,000 population", "ratio", ("visits",), ("population",),
                          additive=False, scale=1000, note="Visits divided by the population, times 1,000.")
NET_COST_PER_VISIT = Measure("net_cost_per_visit", "Net cost per visit", "ratio", ("net_expenditure",), ("visits",),
                             unit="£", higher_is_better=False, additive=False, format="pence",
                             note="Net expenditure (spending less income) divided by visits.")
NET_COST_PER_ISSUE = Measure("net_cost_per_book_issue", "Net cost per book issue", "ratio", ("net_expenditure",),
                             BOOK_ISSUES, unit="£", higher_is_better=False, additive=False, format="pence",
                             note="Net expenditure divided by book issues.")
NET_COST_PER_HEAD = Measure("net_cost_per_head", "Net cost per head", "ratio", ("net_expenditure",), ("population",),
                            unit="£", higher_is_better=False, additive=False, format="pence",
                            note="Net expenditure divided by the population.")
DERIVED = {m.code: m for m in (VISITS_PER_1000, NET_COST_PER_VISIT, NET_COST_PER_ISSUE, NET_COST_PER_HEAD)}


def stored(row) -> Measure:
    """The measure of one stored metric (a row of the metric_catalogue query)."""
    monthly = row.grain == "monthly"
    word = _SAY.get(row.metric) or _WORDS.get(row.unit) or row.label.lower()
    if not monthly:
        word = {"gbp": "£", "fte": "FTE"}.get(row.unit, row.unit)
    return Measure(row.metric, row.label, "sum" if monthly else "annual", (row.metric,), unit=word,
                   higher_is_better=bool(row.higher_is_better) if pd.notna(row.higher_is_better) else True,
                   additive=True if monthly else bool(row.additive), note=row.definition,
                   format=_FORMAT.get(row.unit, "count"))


def measures(frame: pd.DataFrame) -> dict[str, Measure]:
    """Every measure a page offers, in display order: the stored metrics (monthly ones with book issues first
    among the loans), the ratios, then the annual figures. frame: the metric_catalogue query's rows."""
    out: dict[str, Measure] = {}
    for row in frame[frame["grain"] == "monthly"].itertuples():
        if row.metric == BOOK_ISSUES[0]:
            out["book_issues"] = BOOK_ISSUES_MEASURE
        out[row.metric] = stored(row)
    out.update({m.code: m for m in RATIOS})
    for row in frame[frame["grain"] == "annual"].itertuples():
        out[row.metric] = stored(row)
    return out


def monthly_measures(frame: pd.DataFrame, codes: tuple[str, ...]) -> dict[str, Measure]:
    """The measures with the given codes (book issues and children's issues among them), in that order."""
    every = {**measures(frame), "children_issues": CHILDREN_ISSUES_MEASURE}
    return {code: every[code] for code in codes if code in every}


@functools.cache
def seed() -> dict[str, Measure]:
    """Every measure (measures()) of the seed's metrics.csv, the file the warehouse's metric table is loaded from:
    read once per process (it is part of the code's schema, like queries/), so a pure function can name a measure."""
    frame = pd.read_csv(SEED_DIR / "metrics.csv").sort_values("sort_order", kind="stable")
    frame["higher_is_better"] = frame["higher_is_better"].map({True: True, False: False, "true": True, "false": False})
    return {**measures(frame), "children_issues": CHILDREN_ISSUES_MEASURE, **DERIVED}


def measure(code: str) -> Measure:
    """One measure of the catalogue by its code: seed()'s."""
    return seed()[code]


def labels(frame: pd.DataFrame) -> dict[str, str]:
    """Each stored metric's label by its code."""
    return dict(zip(frame["metric"], frame["label"]))
