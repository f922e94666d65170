"""Measures, derived KPIs and how figures are written: pure functions, no Streamlit."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from libstats import catalogue, formats
from libstats import provenance as prov


@dataclass(frozen=True)
class Headline:
    """A headline tile: a catalogue measure for the year, the metrics it needs, and what the tile's help says."""
    measure: catalogue.Measure
    help: str
    metrics: tuple[str, ...]   # the warehouse metrics it needs
    uses_population: bool = False

    @property
    def code(self) -> str:
        return self.measure.code

    @property
    def label(self) -> str:
        return self.measure.label

    @property
    def higher_is_better(self) -> bool:
        return self.measure.higher_is_better

    @property
    def kind(self) -> str:
        """'share' for a share (its change is in points), else the catalogue format."""
        return "share" if self.measure.is_share else self.measure.format


def headlines() -> tuple[Headline, ...]:
    """The Overview's headline tiles, in order."""
    m = catalogue.measure
    return (
        Headline(m("visits"), "Physical visits for library purposes in the year.", ("visits",)),
        Headline(m("book_issues"), "Loans of books (adult and children's, fiction and non-fiction), including renewals.",
                 catalogue.BOOK_ISSUES),
        Headline(m("active_borrowers"), "People who borrowed at least once in the year (the boroughs' annual returns).",
                 ("active_borrowers",)),
        Headline(m("visits_per_1000"), "Visits divided by the population, times 1,000.", ("visits",),
                 uses_population=True),
        Headline(m("pc_utilisation"), "Public PC hours used as a share of the hours available.",
                 ("pc_hours_used", "pc_hours_available")),
        Headline(m("net_cost_per_visit"), "Net expenditure (spending less income) divided by visits.",
                 ("net_expenditure", "visits")),
    )


def headline_metrics() -> list[str]:
    """Every warehouse metric the headline tiles need."""
    return sorted({m for h in headlines() for m in h.metrics})


@dataclass
class Tile:
    """A headline figure for a year and the year before, with where the numbers come from."""
    headline: Headline
    fy: str
    previous_fy: str
    value: float | None
    previous: float | None
    provenance: set[str] = field(default_factory=set)
    previous_provenance: set[str] = field(default_factory=set)
    # People are never added across boroughs (one person can hold both cards): for the whole service the
    # active borrowers tile has no figure of its own, only each borough's tile: (borough, its tile).
    parts: tuple[tuple[str, "Tile"], ...] = ()
    # Why there is no figure, when that is a rule and not missing data (a yearly sum over a part year).
    withheld: str | None = None

    @property
    def change(self) -> float | None:
        """Change on the year before: a fraction for counts and money, points for shares."""
        if self.value is None or self.previous is None or self.previous == 0:
            return None
        if self.headline.kind == "share":
            return self.value - self.previous
        return self.value / self.previous - 1

    @property
    def is_flat(self) -> bool:
        """True when the change rounds to nothing as written (0.0% or 0.0 points)."""
        return self.change is not None and round(self.change * 100, 1) == 0

    @property
    def value_text(self) -> str:
        if self.withheld:
            return "Part year"
        return self.headline.measure.value_text(self.value)

    @property
    def change_text(self) -> str | None:
        """'+5.2% on 2014-15' (or '-1.3 points on 2014-15' for a share)."""
        change = self.change
        if change is None:
            return None
        if self.is_flat:
            return f"no change on {self.previous_fy}"
        if self.headline.kind == "share":
            return f"{formats.number(change * 100, 1, sign=True)} points on {self.previous_fy}"
        return f"{formats.percent(change, 1, sign=True)} on {self.previous_fy}"

    @property
    def delta_text(self) -> str | None:
        """The change as a tile shows it, in words as well as colour: '-6.6% on 2014-15 (down, worse)'."""
        change = self.change
        if change is None or self.is_flat:
            return self.change_text
        up = change > 0
        better = up == self.headline.higher_is_better
        return f"{self.change_text} ({'up' if up else 'down'}, {'better' if better else 'worse'})"

    @property
    def source_text(self) -> str:
        """Where this year's figure and last year's come from, in words."""
        return f"{self.fy}: {prov.words(self.provenance)}. {self.previous_fy}: {prov.words(self.previous_provenance)}."

    @property
    def is_modelled(self) -> bool:
        return prov.is_modelled(self.provenance)

    @property
    def badge(self) -> str:
        return prov.badge(self.provenance)




# Annual figures a part year cannot be divided by: a year's spending over some months' visits is no cost per visit.
ANNUAL_RATIOS = {"net_cost_per_visit": "Spending is a whole year's figure: there is no net cost per visit for a "
                                       "part year (it would divide a year's spending by some months' visits)."}


def headline_tiles(totals: pd.DataFrame, population: pd.DataFrame, fy: str, previous_fy: str,
                   borrowers_by_borough: dict[str, pd.DataFrame] | None = None, months: int = 12) -> list[Tile]:
    """The headline tiles from year totals (fy, metric, value, provenance) and population (fy, population, provenance).

    borrowers_by_borough: for the whole service, each borough's year totals of active_borrowers, shown side by
    side on that tile instead of a sum (the same person may borrow in both boroughs). months: how many months
    of each year are compared; for a part year the ratios of an annual figure to months' figures are withheld."""
    lookup = {(r.fy, r.metric): (float(r.value), prov.parse(r.provenance)) for r in totals.itertuples()}
    pops = {r.fy: (float(r.population), prov.parse(r.provenance)) for r in population.itertuples()}

    def compute(h: Headline, year: str) -> tuple[float | None, set[str]]:
        parts = [lookup.get((year, m)) for m in h.metrics]
        if any(p is None for p in parts):
            return None, set().union(*(p[1] for p in parts if p))
        values = [p[0] for p in parts]
        provenance = set().union(*(p[1] for p in parts))
        if h.code in ("visits", "book_issues", "active_borrowers"):     # active borrowers: one borough's
            return sum(values), provenance
        if h.code == "visits_per_1000":
            pop = pops.get(year)
            if not pop:
                return None, provenance
            return values[0] / pop[0] * 1000, provenance | pop[1]
        if h.code == "pc_utilisation":
            used, available = values
            return (used / available if available else None), provenance
        if h.code == "net_cost_per_visit":
            net, visits = values
            return (net / visits if visits else None), provenance
        raise ValueError(f"no rule for headline {h.code}")

    tiles = []
    for h in headlines():
        if h.code == "active_borrowers" and borrowers_by_borough:
            parts = []
            for name, frame in borrowers_by_borough.items():
                got = {r.fy: (float(r.value), prov.parse(r.provenance)) for r in frame.itertuples()
                       if r.metric == "active_borrowers"}
                now, before = got.get(fy, (None, set())), got.get(previous_fy, (None, set()))
                parts.append((name, Tile(h, fy, previous_fy, now[0], before[0], now[1], before[1])))
            tiles.append(Tile(h, fy, previous_fy, None, None, set().union(*(t.provenance for _, t in parts)),
                              set().union(*(t.previous_provenance for _, t in parts)), tuple(parts)))
            continue
        if months < 12 and h.code in ANNUAL_RATIOS:
            tiles.append(Tile(h, fy, previous_fy, None, None, withheld=ANNUAL_RATIOS[h.code]))
            continue
        value, provenance = compute(h, fy)
        previous, previous_provenance = compute(h, previous_fy)
        tiles.append(Tile(h, fy, previous_fy, value, previous, provenance, previous_provenance))
    return tiles


# The column names the queries use, as a reader would say them (tables on the page; downloads keep the names).
COLUMN_WORDS = {"series": "Series", "fy": "Financial year", "value": "Value", "provenance": "Source", "month": "Month",
                "metric": "Measure", "branch": "Branch", "borough": "Borough", "months": "Months", "index": "Index",
                "authority": "Authority", "population": "Population"}


def readable_table(table: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """A table as a person reads it: measure names for codes (in headings and in a measure column), words for
    column names, and a dash where there is no figure instead of None. Numbers stay numbers, for the
    table's own sorting and its thousands separators."""
    shown = table.rename(columns=lambda c: labels.get(c, COLUMN_WORDS.get(c, c)) if isinstance(c, str) else c)
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        text = values.astype("object").where(values.notna(), "—")
        if column == "Measure":
            text = text.map(lambda v: labels.get(v, v) if isinstance(v, str) else v)
        shown[column] = text
    return shown
