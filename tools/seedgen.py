"""The seed generator: monthly branch figures for April 2010 to March 2018, deterministic.

Inputs are the hand-kept CSVs in data/seed/ (branches, opening-hours periods, events with the effect
each is given, published figures). Outputs are monthly_figures.csv, annual_figures.csv, population.csv and targets.csv.

How a figure is made:
1. An expected value for each branch and month: a branch's base rate, scaled by its opening hours,
   the national trend for that measure (interpolated month by month), the season (the summer
   reading peak, the December dip, Easter), the events that touched the branch (events.csv's
   modelled_* columns: the Crayford rebuild, Thamesmead's temporary building, Anerley into Penge,
   the Historic Collections, the new management system's offline week), and a little noise from a
   fixed random seed.
2. Where a published annual figure exists for a borough and year, the months are scaled to it and
   rounded so they add up to it exactly (largest-remainder rounding); a published busiest-branch
   figure is honoured the same way, and so are the library visits a return implies for a shared
   building (a published door count less the stated non-library share, and the borough's published
   non-library visits: visits_deduction). Those rows are labelled `split`: their total is published,
   their monthly and branch split is modelled (a query that adds up a whole published total calls
   the sum `published`; any part of it stays `split`).
3. Other years keep the calibration of the nearest published year, so the series runs on without a
   jump, and are labelled `modelled`.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from libstats import catalogue, fiscal

RANDOM_SEED = 20120101
FIRST_FY, LAST_FY = "2010-11", "2017-18"
FYS = fiscal.fy_range(FIRST_FY, LAST_FY)
MONTHS = [m for fy in FYS for m in fiscal.fy_months(fy)]

BOOK_CATEGORIES = catalogue.BOOK_ISSUES        # the catalogue's four categories of book issues
BRANCH_METRICS = ("visits", *BOOK_CATEGORIES, "pc_hours_available", "pc_hours_used",
                  "events", "event_attendance", "enquiries", "requests")
DIGITAL_METRICS = ("issues_av_e", "website_visits")

# National trend, as an index on 2015-16 (library-data.md §4): UK visits 314m in 2010-11, 250m in
# 2015-16, 233m in 2017-18; issues fell faster (about -8% in 2012-13); e-issues grew.
TREND = {
    "visits":  (1.256, 1.200, 1.146, 1.095, 1.046, 1.000, 0.965, 0.932),
    "issues":  (1.420, 1.320, 1.220, 1.140, 1.070, 1.000, 0.950, 0.910),
    "pc":      (1.180, 1.140, 1.100, 1.060, 1.030, 1.000, 0.970, 0.940),
    "events":  (0.820, 0.850, 0.880, 0.920, 0.960, 1.000, 1.030, 1.050),
    "av_e":    (0.800, 0.840, 0.880, 0.920, 0.960, 1.000, 1.060, 1.120),
    "website": (0.560, 0.640, 0.720, 0.800, 0.900, 1.000, 1.250, 1.380),
}
METRIC_TREND = {
    "visits": "visits", "enquiries": "visits", "requests": "issues",
    **{c: "issues" for c in BOOK_CATEGORIES},
    "pc_hours_available": None, "pc_hours_used": "pc",
    "events": "events", "event_attendance": "events",
    "issues_av_e": "av_e", "website_visits": "website",
}

# Seasonality by calendar month (January first), before the number of days in the month.
SEASON = {
    "visits":   (1.02, 1.00, 1.02, 0.98, 0.98, 0.96, 1.04, 1.06, 0.98, 1.02, 1.00, 0.80),
    "adult":    (1.06, 1.00, 1.02, 0.98, 0.98, 0.97, 1.03, 1.04, 0.97, 1.00, 0.99, 0.84),
    "children": (0.92, 0.92, 0.95, 0.98, 0.96, 0.94, 1.30, 1.45, 0.95, 1.00, 0.95, 0.80),
    "pc":       (1.04, 1.02, 1.02, 0.99, 1.00, 0.98, 0.98, 0.94, 1.00, 1.03, 1.02, 0.86),
    "events":   (0.95, 1.00, 1.05, 1.00, 0.95, 0.85, 1.40, 1.55, 0.90, 1.10, 1.05, 0.70),
    "flat":     (1.00,) * 12,
}
METRIC_SEASON = {
    "visits": "visits", "enquiries": "visits", "requests": "adult",
    "issues_adult_fiction": "adult", "issues_adult_nonfiction": "adult",
    "issues_children_fiction": "children", "issues_children_nonfiction": "children",
    "pc_hours_available": "flat", "pc_hours_used": "pc",
    "events": "events", "event_attendance": "events",
    "issues_av_e": "flat", "website_visits": "visits",
}
EASTER = {2010: dt.date(2010, 4, 4), 2011: dt.date(2011, 4, 24), 2012: dt.date(2012, 4, 8),
          2013: dt.date(2013, 3, 31), 2014: dt.date(2014, 4, 20), 2015: dt.date(2015, 4, 5),
          2016: dt.date(2016, 3, 27), 2017: dt.date(2017, 4, 16), 2018: dt.date(2018, 4, 1)}
EASTER_LIFT = {"visits": 1.04, "children": 1.08}

# Per branch: how busy it is for its hours (visits per opening hour, relative), public PCs per
# opening hour, and how its book loans split (adult fiction, adult non-fiction, children's fiction,
# children's non-fiction) against the borough's mix. Modelled, tuned so 2015-16 looks like the
# published returns (Central the busiest point in both boroughs).
BRANCH_MODEL = {
    "Central (Bexleyheath)": (2.60, 0.40, (1.00, 1.25, 0.85, 1.00)),
    "Crayford":              (0.95, 0.40, (1.00, 0.95, 1.05, 1.00)),
    "Erith":                 (1.00, 0.42, (0.95, 1.00, 1.05, 1.05)),
    "Sidcup":                (1.25, 0.36, (1.05, 1.00, 1.00, 0.95)),
    "Thamesmead":            (0.95, 0.45, (0.90, 0.95, 1.10, 1.10)),
    "Welling":               (1.15, 0.36, (1.05, 0.95, 1.00, 0.95)),
    "Blackfen":              (0.80, 0.30, (1.05, 0.90, 1.00, 0.95)),
    "Bostall":               (0.70, 0.30, (1.00, 0.90, 1.05, 1.00)),
    "North Heath":           (0.65, 0.30, (1.00, 0.90, 1.05, 1.00)),
    "Upper Belvedere":       (0.75, 0.30, (1.05, 0.90, 1.00, 0.95)),
    "Bexley Village":        (0.70, 0.20, (1.10, 0.95, 0.95, 0.90)),
    "Slade Green":           (0.55, 0.25, (0.95, 0.90, 1.10, 1.05)),
    "Central (Bromley)":     (2.15, 0.42, (0.95, 1.30, 0.85, 1.05)),
    "Beckenham":             (1.40, 0.30, (1.05, 0.95, 1.00, 0.95)),
    "Orpington":             (1.25, 0.34, (1.00, 1.00, 1.00, 1.00)),
    "Penge":                 (1.10, 0.32, (0.95, 0.95, 1.05, 1.05)),
    "West Wickham":          (1.15, 0.24, (1.10, 0.95, 1.00, 0.95)),
    "Petts Wood":            (1.10, 0.24, (1.10, 0.95, 1.00, 0.95)),
    "Chislehurst":           (0.95, 0.24, (1.10, 1.00, 0.95, 0.95)),
    "Biggin Hill":           (1.33, 0.22, (1.00, 0.90, 1.05, 1.00)),   # 120,899 library visits in 2015-16 (its deduction)
    "Burnt Ash":             (0.85, 0.30, (1.00, 0.95, 1.05, 1.00)),
    "Hayes":                 (0.95, 0.30, (1.10, 0.95, 1.00, 0.95)),
    "Mottingham":            (0.70, 0.35, (0.95, 0.95, 1.05, 1.05)),
    "Shortlands":            (0.80, 0.30, (1.10, 0.95, 0.95, 0.95)),
    "Southborough":          (0.80, 0.30, (1.05, 0.95, 1.00, 1.00)),
    "St Paul's Cray":        (0.75, 0.35, (0.95, 0.95, 1.05, 1.05)),
    "Anerley":               (0.80, 0.35, (0.95, 0.95, 1.05, 1.05)),
    "Mobile library (Bromley)": (0.90, 0.00, (1.10, 0.80, 1.05, 0.95)),
}
HOURS_ELASTICITY = 0.4          # usage grows less than in proportion to opening hours
NOISE = 0.035                   # month-to-month noise (log scale)
PC_UTILISATION = 0.40           # hours used / available, 2015-16, before calibration
EVENTS_PER_WEEKLY_HOUR = 0.55   # events a month per weekly opening hour
ATTENDANCE_PER_EVENT = 12.5
ENQUIRIES_PER_VISIT = 0.13
REQUESTS_PER_ISSUE = 0.024
# Bromley's 2015-16 return (its comment, CIPFA LIBR0175): "a deduction of 40% of Biggin Hill's visits and 30%
# of Central's has been made" for non-library visits, reported apart (LIBR0095: 192,768); its busiest-point
# figure (Central, 373,898: published_figures.csv metric `door_count`) is before the deduction.
NON_LIBRARY_SHARE = {"Bromley": {"Central (Bromley)": 0.30, "Biggin Hill": 0.40}}


LOANS = (*BOOK_CATEGORIES, "requests")


@dataclass(frozen=True)
class EventEffect:
    """What an event in events.csv does to the figures of the branches it touched (a modelled size)."""
    branches: frozenset[str] | None     # None: every branch
    start: dt.date
    factor: float                       # from the start on
    first: float | None                 # instead, for the first first_months months
    first_months: int
    loans_only: bool

    def at(self, branch: str, metric: str, month: dt.date) -> float:
        if month < self.start or (self.branches is not None and branch not in self.branches):
            return 1.0
        if self.loans_only and metric not in LOANS:
            return 1.0
        months_in = (month.year - self.start.year) * 12 + month.month - self.start.month
        if self.first is not None and months_in < self.first_months:
            return self.first
        return self.factor


def event_effects(events: list[dict], branches: list[dict]) -> list[EventEffect]:
    """The modelled effect of every event that has one (events.csv's modelled_* columns), in event order."""
    effects = []
    for e in sorted(events, key=lambda e: int(e["event_id"])):
        if not (e.get("modelled_effect") or e.get("modelled_first_effect")):
            continue
        if e["branch"]:
            touched = frozenset([e["branch"]])
        elif e.get("branches"):
            touched = frozenset(e["branches"].split(";"))
        elif e["borough"]:
            touched = frozenset(b["branch"] for b in branches if b["borough"] == e["borough"])
        else:
            touched = None
        effects.append(EventEffect(
            touched, dt.date.fromisoformat(e["event_date"]).replace(day=1),
            float(e["modelled_effect"]) if e.get("modelled_effect") else 1.0,
            float(e["modelled_first_effect"]) if e.get("modelled_first_effect") else None,
            int(e["modelled_first_months"] or 0) if e.get("modelled_first_effect") else 0,
            e.get("modelled_metrics") == "loans"))
    return effects


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers proportional to weights that add up to total exactly."""
    if total < 0:
        raise ValueError("a total to share out cannot be negative")
    weights = np.asarray(weights, dtype=float)
    if weights.sum() <= 0:
        if total:
            raise ValueError(f"nothing to share {total} across")
        return np.zeros(len(weights), dtype=np.int64)
    exact = weights / weights.sum() * total
    floor = np.floor(exact).astype(np.int64)
    short = total - int(floor.sum())
    order = np.argsort(-(exact - floor), kind="stable")
    floor[order[:short]] += 1
    return floor


def visits_deduction(published: dict, borough: str, fy: str) -> dict[str, dict[str, int]]:
    """Each deducting branch's door count, non-library visits and library visits, from a return's figures.

    A branch with a published door count (published_figures.csv metric `door_count`) loses its share of it
    (NON_LIBRARY_SHARE); the borough's published non-library visits (`non_library_visits`) less those is the
    one remaining deducting branch's deduction, so its door count is that over its share. Bromley 2015-16:
    Central 373,898 less 30% (112,169) = 261,729; Biggin Hill 192,768 - 112,169 = 80,599 non-library,
    so a door count of 80,599 / 0.4 = 201,498 and 120,899 library visits. {} when the return has none.
    """
    shares = NON_LIBRARY_SHARE.get(borough, {})
    non_library = published.get((borough, None, fy, "non_library_visits"))
    if not shares or non_library is None:
        return {}
    out, unknown = {}, []
    for branch, share in shares.items():
        door = published.get((borough, branch, fy, "door_count"))
        if door is None:
            unknown.append(branch)
            continue
        deducted = round(door * share)
        out[branch] = {"door_count": int(door), "non_library_visits": deducted, "visits": int(door) - deducted}
    if len(unknown) > 1:
        raise ValueError(f"{borough} {fy}: the non-library visits of {', '.join(unknown)} cannot be told apart")
    for branch in unknown:
        deducted = int(non_library) - sum(v["non_library_visits"] for v in out.values())
        door = round(deducted / shares[branch])
        out[branch] = {"door_count": door, "non_library_visits": deducted, "visits": door - deducted}
    return out


def branch_library_visits(published: dict, borough: str, fy: str) -> dict[str, int]:
    """The library-purpose visits the return implies for each deducting branch (see visits_deduction)."""
    return {b: v["visits"] for b, v in visits_deduction(published, borough, fy).items()}


@dataclass(frozen=True)
class Inputs:
    branches: list[dict]
    periods: list[dict]
    published: list[dict]
    events: list[dict]


def read_inputs(seed_dir: Path) -> Inputs:
    """The hand-kept seed files the generator works from."""
    def read(name):
        with open(seed_dir / name, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    return Inputs(read("branches.csv"), read("branch_periods.csv"), read("published_figures.csv"), read("events.csv"))


def _hours_by_month(periods: list[dict]) -> dict[str, np.ndarray]:
    """Weekly opening hours of every branch in every month (0 when closed or not yet open)."""
    hours: dict[str, np.ndarray] = {}
    for p in periods:
        arr = hours.setdefault(p["branch"], np.zeros(len(MONTHS)))
        start = dt.date.fromisoformat(p["valid_from"])
        end = dt.date.fromisoformat(p["valid_to"]) if p["valid_to"] else dt.date.max
        value = float(p["weekly_hours"]) if p["weekly_hours"] else 1.0   # digital: always "open"
        for i, m in enumerate(MONTHS):
            if start <= m <= end:
                arr[i] = value
    return hours


def _trend(name: str) -> np.ndarray:
    """The national index for every month, interpolated between financial-year midpoints."""
    mid = np.arange(len(FYS)) * 12 + 5.5
    return np.exp(np.interp(np.arange(len(MONTHS)), mid, np.log(TREND[name])))


def _season(name: str, metric: str) -> np.ndarray:
    out = np.array([SEASON[name][m.month - 1] * _days(m) / 30.44 for m in MONTHS])
    lift = EASTER_LIFT.get("children" if name == "children" else "visits" if name in ("visits", "adult") else "", 1.0)
    for i, m in enumerate(MONTHS):
        if EASTER.get(m.year) and EASTER[m.year].month == m.month:
            out[i] *= lift
    return out


def _days(month: dt.date) -> int:
    nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return (nxt - month).days


class Generator:
    """Builds every generated seed table from the inputs; one fixed random stream."""

    def __init__(self, inputs: Inputs):
        self.rng = np.random.default_rng(RANDOM_SEED)
        self.branches = inputs.branches
        self.borough_of = {b["branch"]: b["borough"] for b in inputs.branches}
        self.hours = _hours_by_month(inputs.periods)
        self.effects = event_effects(inputs.events, inputs.branches)
        self.reporting = self._reporting_mask(inputs.branches)
        self.published = {(p["borough"], p["branch"] or None, p["fy"], p["metric"]): float(p["value"])
                          for p in inputs.published}
        self.fy_index = np.array([FYS.index(fiscal.fy_of(m)) for m in MONTHS])
        self.expected = self.expected_branch_metrics()

    def _reporting_mask(self, branches):
        mask = {}
        for b in branches:
            until = dt.date.fromisoformat(b["reports_until"]) if b["reports_until"] else dt.date.max
            open_ = self.hours[b["branch"]] > 0
            mask[b["branch"]] = open_ & np.array([m <= until for m in MONTHS])
        return mask

    # -- expected values -------------------------------------------------------------------
    def _expected(self, branch: str, metric: str, base: np.ndarray) -> np.ndarray:
        """Expected monthly values: a base (already in the metric's unit) × trend × season × events."""
        trend_name = METRIC_TREND[metric]
        trend = _trend(trend_name) if trend_name else np.ones(len(MONTHS))
        season = _season(METRIC_SEASON[metric], metric)
        events = np.array([self._event_factor(branch, metric, m) for m in MONTHS])
        noise = np.exp(self.rng.normal(0.0, NOISE, len(MONTHS)))
        return np.where(self.reporting[branch], base * trend * season * events * noise, 0.0)

    def _event_factor(self, branch: str, metric: str, month: dt.date) -> float:
        """How the events in events.csv change a branch's measure in a month (their modelled_* columns)."""
        factor = 1.0
        for effect in self.effects:
            factor *= effect.at(branch, metric, month)
        return factor

    def _hours_factor(self, branch: str) -> np.ndarray:
        h = self.hours[branch]
        ref = 40.0
        return np.where(h > 0, (h / ref) ** HOURS_ELASTICITY, 0.0)

    def expected_branch_metrics(self) -> dict[tuple[str, str], np.ndarray]:
        """Every physical branch's expected monthly values for every branch metric."""
        out = {}
        for b in self.branches:
            name = b["branch"]
            if b["branch_type"] == "digital":
                continue
            busy, pcs_per_hour, mix = BRANCH_MODEL[name]
            hf = self._hours_factor(name)
            visits = self._expected(name, "visits", 5200.0 * busy * hf)
            out[name, "visits"] = visits
            shares = np.array(mix) * np.array((0.38, 0.20, 0.36, 0.06))
            for cat, share in zip(BOOK_CATEGORIES, shares / shares.sum()):
                out[name, cat] = self._expected(name, cat, 3900.0 * busy * hf * share)
            weeks = np.array([_days(m) / 7 for m in MONTHS])
            pcs = np.round(self.hours[name] * pcs_per_hour) if pcs_per_hour else np.zeros(len(MONTHS))
            available = np.where(self.reporting[name], pcs * self.hours[name] * weeks * 0.92, 0.0)
            out[name, "pc_hours_available"] = available
            used = self._expected(name, "pc_hours_used", np.full(len(MONTHS), PC_UTILISATION))
            out[name, "pc_hours_used"] = np.minimum(available * used, available * 0.85)
            events = self._expected(name, "events", self.hours[name] * EVENTS_PER_WEEKLY_HOUR)
            out[name, "events"] = events
            attend = np.exp(self.rng.normal(0.0, 0.08, len(MONTHS))) * ATTENDANCE_PER_EVENT
            season = np.array(SEASON["children"])[[m.month - 1 for m in MONTHS]]
            out[name, "event_attendance"] = events * attend * season
            out[name, "enquiries"] = self._expected(name, "enquiries", 5200.0 * busy * hf * ENQUIRIES_PER_VISIT)
            loans = sum(out[name, c] for c in BOOK_CATEGORIES)
            out[name, "requests"] = loans * REQUESTS_PER_ISSUE * np.exp(self.rng.normal(0, 0.05, len(MONTHS)))
        for b in self.branches:
            if b["branch_type"] == "digital":
                name = b["branch"]
                size = 1.0 if b["borough"] == "Bexley" else 1.4
                out[name, "issues_av_e"] = self._expected(name, "issues_av_e", np.full(len(MONTHS), 2500.0 * size))
                out[name, "website_visits"] = self._expected(name, "website_visits", np.full(len(MONTHS), 21000.0 * size))
        return out

    # -- calibration to the published figures ---------------------------------------------------
    def monthly_rows(self) -> list[tuple[str, dt.date, str, int, str]]:
        """Whole-number monthly figures for every branch and metric, exact to published totals."""
        expected = self.expected
        rows = []
        for borough in sorted({b["borough"] for b in self.branches}):
            names = [b["branch"] for b in self.branches if b["borough"] == borough]
            metrics = sorted({m for (n, m) in expected if n in names})
            for metric in metrics:
                matrix = np.array([expected.get((n, metric), np.zeros(len(MONTHS))) for n in names])
                values, provenance = self._calibrate(borough, names, metric, matrix)
                for i, n in enumerate(names):
                    if (n, metric) not in expected:
                        continue
                    for j, m in enumerate(MONTHS):
                        if self.reporting[n][j]:
                            rows.append((n, m, metric, int(values[i, j]), provenance[j]))
        # A month's PC use can never exceed what was available (CIPFA check 6).
        return self._cap_pc_used(rows)

    def _fixed_branches(self, borough, fy, metric):
        """The branch figures a return fixes for this metric, as [(branch, value)]: a published busiest-branch
        figure, and the library visits that the published door counts and non-library deduction imply."""
        key = "book_issues" if metric in BOOK_CATEGORIES else metric
        fixed = [(branch, value) for (bor, branch, pfy, pm), value in self.published.items()
                 if bor == borough and branch and pfy == fy and pm == key]
        if key == "visits":
            fixed += sorted(branch_library_visits(self.published, borough, fy).items())
        return fixed

    def _calibrate(self, borough, names, metric, matrix):
        """Scale each year to its published total (if any); other years keep the nearest factor."""
        out = np.zeros_like(matrix)
        provenance = ["modelled"] * len(MONTHS)
        factors = {}     # fy -> ({fixed branch index: its factor}, factor for the rest)
        fixed_category_values = self._fixed_category_split(borough, names, metric, matrix)
        for k, fy in enumerate(FYS):
            cols = self.fy_index == k
            total = self.published.get((borough, None, fy, metric))
            if total is None:
                continue
            block = matrix[:, cols]
            rest = np.ones(len(names), bool)
            fixed_factors = {}
            for branch, value in self._fixed_branches(borough, fy, metric):
                fi = names.index(branch)
                value = fixed_category_values.get(fy, value) if metric in BOOK_CATEGORIES else value
                rest[fi] = False
                out[fi, cols] = largest_remainder(block[fi], int(value))
                fixed_factors[fi] = value / block[fi].sum()
            remainder = int(total - out[np.ix_(~rest, cols)].sum())
            out_rest = largest_remainder(block[rest].ravel(), remainder)
            out[np.ix_(rest, cols)] = out_rest.reshape(block[rest].shape)
            factors[fy] = (fixed_factors, remainder / block[rest].sum())
            for j in np.flatnonzero(cols):
                provenance[j] = "split"
        for k, fy in enumerate(FYS):
            if fy in factors:
                continue
            cols = self.fy_index == k
            anchor = self._nearest(k, factors)
            block = matrix[:, cols].copy()
            if anchor is not None:
                fixed_factors, f_rest = factors[anchor]
                block *= f_rest
                for fi, f_fixed in fixed_factors.items():
                    block[fi] = matrix[fi, cols] * f_fixed
            out[:, cols] = np.round(block)
        return out, provenance

    def _fixed_category_split(self, borough, names, metric, matrix):
        """A busiest branch's published book issues, split across the four categories exactly."""
        if metric not in BOOK_CATEGORIES:
            return {}
        result = {}
        for k, fy in enumerate(FYS):
            fixed = self._fixed_branches(borough, fy, metric)
            if not fixed:
                continue
            if len(fixed) > 1:
                raise ValueError(f"more than one branch's book issues fixed for {borough} {fy}")
            # The category shares of the fixed branch, from its expected loans in that year.
            cols = self.fy_index == k
            weights = np.array([self.expected[fixed[0][0], c][cols].sum() for c in BOOK_CATEGORIES])
            split = largest_remainder(weights, int(fixed[0][1]))
            result[fy] = split[BOOK_CATEGORIES.index(metric)]
        return result

    @staticmethod
    def _nearest(k, factors):
        if not factors:
            return None
        return min(factors, key=lambda fy: (abs(FYS.index(fy) - k), FYS.index(fy)))

    @staticmethod
    def _cap_pc_used(rows):
        available = {(b, m): v for b, m, metric, v, _ in rows if metric == "pc_hours_available"}
        capped = []
        for b, m, metric, v, p in rows:
            if metric == "pc_hours_used" and v > available.get((b, m), 0):
                raise AssertionError(f"PC hours used above available at {b} {m}")
            capped.append((b, m, metric, v, p))
        return capped



# Annual figures per borough, 2010-11 … 2017-18. Modelled values; a published figure replaces the
# value for its year. Shaped by the reference: the shared-service savings (about £400k a year for
# Bexley and £370k for Bromley from 2012-13), the 2014 Bromley review, Bexley's 2016-17 transfers.
ANNUAL_MODEL = {
    "Bexley": {
        "active_borrowers":  (52000, 50100, 47900, 46300, 44000, None, None, 35600),
        "public_pcs":        (170, 170, 170, 168, 165, None, None, 126),
        "book_stock":        (281000, 270500, 258000, 245000, 231000, None, None, 154500),
        "book_acquisitions": (52500, 49000, 46000, 43000, 40500, None, None, 27200),
        "staff_fte":         (104.5, 101.2, 93.8, 89.4, 85.9, None, None, 74.9),
        "volunteers":        (120, 150, 195, 260, 330, None, None, 340),
        "volunteer_hours":   (4900, 6200, 8100, 10900, 13900, None, None, 11300),
        "total_expenditure": (6020000, 5915000, 5420000, 5270000, 5090000, None, None, 4090000),
        "income":            (598000, 585000, 560000, 541000, 522000, None, None, 498000),
        "external_funding":  (12000, 15000, 68000, 54000, 41000, 38000, 35000, 30000),
    },
    "Bromley": {
        "active_borrowers":  (58900, 56800, 54200, 51900, 48700, None, 44100, 42800),
        "public_pcs":        (175, 175, 175, 175, 162, None, 162, 160),
        "book_stock":        (442000, 431000, 418000, 405000, 390000, None, 365000, 356000),
        "book_acquisitions": (63000, 60500, 57500, 55000, 52500, None, 47800, 46200),
        "staff_fte":         (121.0, 118.3, 110.9, 106.2, 101.5, None, 93.6, 90.1),
        "volunteers":        (60, 75, 95, 130, 170, None, 230, 250),
        "volunteer_hours":   (1900, 2400, 3000, 4100, 5400, None, 7300, 7900),
        "total_expenditure": (7760000, 7640000, 7210000, 7050000, 6850000, None, 6480000, 6190000),
        "income":            (512000, 505000, 498000, 490000, 482000, None, 470000, 462000),
        "external_funding":  (20000, 22000, 95000, 72000, 60000, 48000, 120000, 40000),
    },
}

# Mid-year population, by the financial year it falls in (mid-2011 -> 2011-12). One source for every authority:
# ONS mid-year estimates. CIPFA's return has no population field (reference/cipfa/fields.csv), so the peers'
# populations (peers.csv) are approximate ONS mid-2015 estimates rounded to the nearest thousand, and ours for
# 2015-16 are the same; a year with no ONS figure held here is interpolated between the sourced years (modelled).
# Published: Bromley's 2011 census count and Bexley's ONS mid-2016 estimate, each with its source.
POPULATION = {
    "Bexley":  ((230400, "modelled"), (232000, "modelled"), (234500, "modelled"), (237000, "modelled"),
                (239500, "modelled"), (242000, "modelled"), (244800, "published"), (246300, "modelled")),
    "Bromley": ((307600, "modelled"), (309392, "published"), (313300, "modelled"), (317200, "modelled"),
                (321100, "modelled"), (325000, "modelled"), (327000, "modelled"), (328500, "modelled")),
}
PEER_POPULATION_SOURCE = "approximate ONS mid-2015 estimate, rounded to the nearest thousand"
POPULATION_SOURCE = {
    ("Bexley", "2016-17"): "ONS mid-2016 estimate (244,800, as the Wikipedia article on the borough gives it)",
    ("Bromley", "2011-12"): "2011 census (309,392)",
    ("Bexley", "2015-16"): PEER_POPULATION_SOURCE + " (the peers' source; the exact ONS figure is not held here)",
    ("Bromley", "2015-16"): PEER_POPULATION_SOURCE + " (the peers' source; the exact ONS figure is not held here)",
}
POPULATION_INTERPOLATED = "modelled from the sourced years: no ONS mid-year figure for this year is held here"

# Service-plan targets are not public: these are illustrative, set each year from the year before.
TARGET_RULES = {
    "visits": (0.97, "Illustrative: last year's visits less 3% (the service plans' targets are not public)."),
    "book_issues": (0.96, "Illustrative: last year's book issues less 4% (the service plans' targets are not public)."),
    "active_borrowers": (0.98, "Illustrative: last year's active borrowers less 2% (the service plans' targets are not public)."),
}
TARGET_PC_UTILISATION = (0.40, "Illustrative: 40% of available PC hours used (the service plans' targets are not public).")


def annual_rows(published: dict) -> list[tuple[str, str, str, float, str]]:
    """Annual borough figures: published where a return gives them, modelled otherwise."""
    rows = []
    for borough, metrics in ANNUAL_MODEL.items():
        for k, fy in enumerate(FYS):
            values = {}
            for metric, series in metrics.items():
                pub = published.get((borough, None, fy, metric))
                values[metric] = (pub, "published") if pub is not None else (series[k], "modelled")
            pub_net = published.get((borough, None, fy, "net_expenditure"))
            if pub_net is not None:
                values["net_expenditure"] = (pub_net, "published")
            else:
                values["net_expenditure"] = (values["total_expenditure"][0] - values["income"][0], "modelled")
            for metric in sorted(values):
                value, provenance = values[metric]
                if value is None:
                    raise ValueError(f"no figure for {borough} {fy} {metric}")
                rows.append((borough, fy, metric, value, provenance))
    return rows


def population_rows():
    """Population by borough and financial year."""
    return [(borough, fy, pop, prov, POPULATION_SOURCE.get((borough, fy), POPULATION_INTERPOLATED))
            for borough, series in POPULATION.items() for fy, (pop, prov) in zip(FYS, series)]


def target_rows(monthly, annual, borough_of, reports_in):
    """Illustrative targets per metric, scope and year from 2012-13 (the shared service's first plan).

    A year's target starts from the year before, counted over the branches that still report in
    the target year, so a planned change of scope is not set up as a missed target.
    """
    sums: dict[tuple[str, str, str, str], float] = {}
    for branch, month, metric, value, _ in monthly:
        key = "book_issues" if metric in BOOK_CATEGORIES else metric
        if key not in ("visits", "book_issues"):
            continue
        sums[branch, fiscal.fy_of(month), key] = sums.get((branch, fiscal.fy_of(month), key), 0) + value
    borrowers = {(b, fy): v for b, fy, m, v, _ in annual if m == "active_borrowers"}
    rows = []
    for fy in FYS[2:] + [fiscal.next_fy(LAST_FY)]:
        prev = fiscal.previous_fy(fy)
        for metric in ("visits", "book_issues"):
            factor, note = TARGET_RULES[metric]
            by_scope = {"Bexley": 0.0, "Bromley": 0.0}
            for (branch, bfy, key), value in sums.items():
                if bfy == prev and key == metric and reports_in(branch, fy):
                    by_scope[borough_of[branch]] += value
            by_scope["Service"] = by_scope["Bexley"] + by_scope["Bromley"]
            for scope in ("Service", "Bexley", "Bromley"):
                rows.append((metric, scope, fy, float(round(by_scope[scope] * factor, -2)), "illustrative", note))
        factor, note = TARGET_RULES["active_borrowers"]
        for scope in ("Bexley", "Bromley"):
            rows.append(("active_borrowers", scope, fy, float(round(borrowers[scope, prev] * factor, -2)), "illustrative", note))
        for scope in ("Service", "Bexley", "Bromley"):
            rows.append(("pc_utilisation", scope, fy, TARGET_PC_UTILISATION[0], "illustrative", TARGET_PC_UTILISATION[1]))
    return sorted(rows)


GENERATED = {
    "monthly_figures.csv": ["branch", "month", "metric", "value", "provenance"],
    "annual_figures.csv": ["borough", "fy", "metric", "value", "provenance"],
    "population.csv": ["borough", "fy", "population", "provenance", "source"],
    "targets.csv": ["metric", "scope", "fy", "value", "provenance", "note"],
}


def generate(seed_dir: Path) -> dict[str, list[tuple]]:
    """Every generated seed table, as rows in a stable order, from the inputs in seed_dir."""
    inputs = read_inputs(seed_dir)
    gen = Generator(inputs)
    monthly = sorted(gen.monthly_rows(), key=lambda r: (r[0], r[1], r[2]))
    annual = annual_rows(gen.published)

    def reports_in(branch, fy):
        return bool(gen.reporting[branch][gen.fy_index == FYS.index(fy)].any()) if fy in FYS else \
            bool(gen.reporting[branch][-1])

    targets = target_rows(monthly, annual, gen.borough_of, reports_in)
    return {
        "monthly_figures.csv": monthly,
        "annual_figures.csv": annual,
        "population.csv": population_rows(),
        "targets.csv": targets,
    }


def write(seed_dir: Path) -> dict[str, int]:
    """Regenerate the generated seed CSVs in seed_dir; returns the row count of each."""
    tables = generate(seed_dir)
    for name, rows in tables.items():
        write_csv(seed_dir / name, GENERATED[name], rows)
    return {name: len(rows) for name, rows in tables.items()}


def write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([_fmt(v) for v in row])


def _fmt(v):
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return v
