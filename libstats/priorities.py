"""Before-and-after analysis of an event (a panel difference in differences with placebo inference, or a
refusal that says why it does not apply), and the shared service's record.

No Streamlit: the priorities page, the appraisal and the board pack all use it.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from threadpoolctl import threadpool_limits

from libstats import formats
from libstats import provenance as prov

WINDOW_MONTHS = 12          # months before the event, and months from it
MIN_MONTHS = 6              # a library needs figures for at least this many months on each side
MIN_CONTROLS = 5            # comparison libraries needed
MIN_PLACEBOS = 10
CLEAR = 0.10                # "clear" when fewer than 1 in 10 placebos are as large
LOANS = {"book_issues", "requests"}
NO_CONTROL_KINDS = {"closure", "scope", "merger"}


def month_range(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """'July–October 2012', 'December 2012 – January 2013' or 'March 2013'."""
    if first == last:
        return f"{first:%B %Y}"
    if first.year == last.year:
        return f"{first:%B}–{last:%B %Y}"
    return f"{first:%B %Y} – {last:%B %Y}"


def month_runs(months) -> list[str]:
    """Consecutive months written as runs: ['July–October 2012', 'March 2013']."""
    months = sorted(pd.Timestamp(m) for m in months)
    runs: list[list[pd.Timestamp]] = []
    for m in months:
        if runs and m == runs[-1][-1] + pd.DateOffset(months=1):
            runs[-1].append(m)
        else:
            runs.append([m])
    return [month_range(r[0], r[-1]) for r in runs]


def _listed(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def touched_branches(event) -> list[str] | None:
    """The branches an event touched, or None when it covered a whole borough or the service."""
    if _text(event.branch):
        return [event.branch]
    if _text(getattr(event, "branches", None)):
        return event.branches.split(";")
    return None


def event_start(event) -> pd.Timestamp:
    return pd.Timestamp(event.event_date).to_period("M").to_timestamp()


def where(event) -> str:
    touched = touched_branches(event)
    return _listed(touched) if touched else event.borough


@dataclass(frozen=True)
class Refusal:
    """Why the before-and-after estimate does not apply to an event, in words."""
    title: str
    reasons: tuple[str, ...]

    def sentence(self) -> str:
        return f"No before-and-after estimate for “{self.title}”: " + " ".join(self.reasons)


@dataclass(frozen=True)
class Estimate:
    """The effect of an event at the libraries it touched, over and above comparison libraries."""
    title: str
    measure: str
    treated: str
    control: str
    controls: tuple[str, ...]
    left_out: tuple[str, ...]            # libraries of the borough not used as controls, and why
    start: pd.Timestamp
    effect: float                        # a proportion: 0.47 = +47%
    low: float
    high: float
    space_placebos: int
    time_placebos: int
    as_large: int                        # placebo estimates at least as far from zero as the real one
    bound_rank: int                      # the range's ends: the placebos this far in from each end (1: the extremes)
    months_before: int
    months_after: int
    dropped: tuple[str, ...]             # treated months left out (no figures), written as runs
    pre_drift: float                     # the gap's drift over the year before, as a proportion
    pre_drift_unusual: bool
    data_note: str | None                # which windows rest on modelled figures
    seed_note: str | None                # the effect the seed generator sets for this event
    frame: pd.DataFrame                  # series, month, value, index: the chart's numbers

    @property
    def placebos(self) -> int:
        return self.space_placebos + self.time_placebos

    @property
    def clear_allows(self) -> int:
        """How many placebos may be as large for a clear change: then the chance with no effect,
        (1 + as large) / (1 + placebos), is at most CLEAR."""
        return int(np.floor(CLEAR * (self.placebos + 1) + 1e-9)) - 1

    @property
    def coverage(self) -> float:
        """How often the range holds the true effect if the real estimate's error is like a placebo's."""
        return (self.placebos + 1 - 2 * self.bound_rank) / (self.placebos + 1)

    @property
    def verdict(self) -> str:
        """'rise', 'fall' or 'no clear change': where the estimate falls among the placebos."""
        if self.as_large > self.clear_allows:
            return "no clear change"
        return "rise" if self.effect > 0 else "fall"

    def result_sentence(self) -> str:
        span = (f"{formats.percent(self.effect, 1, sign=True)} over and above {self.control} in the {WINDOW_MONTHS} months from "
                f"{self.start:%B %Y} (likely between {formats.percent(self.low, 1, sign=True)} and {formats.percent(self.high, 1, sign=True)})")
        if self.verdict == "no clear change":
            return (f"{self.measure} at {self.treated}: no clear change ({span}). {self.as_large} of the "
                    f"{self.placebos} placebo estimates were as large, so this is within what chance alone gives.")
        beaten = ("larger than every one of" if self.as_large == 0 else
                  f"larger than all but {self.as_large} of")
        return (f"{self.measure} at {self.treated}: a clear {self.verdict} of {span}. That is {beaten} the "
                f"{self.placebos} placebo estimates, so it is unlikely to be chance.")

    def sentence(self) -> str:
        """The result, led by what it rests on when that is modelled or set by the seed."""
        lead = [n for n in (self.data_note, self.seed_note) if n]
        if not lead:
            return self.result_sentence()
        first = lead[0] if len(lead) == 1 else f"{lead[0]}, and {lead[1][0].lower()}{lead[1][1:]}"
        return f"{first}. {self.result_sentence()}"

    def pre_trend_sentence(self) -> str:
        drift = formats.percent(self.pre_drift, 1, sign=True)
        if self.pre_drift_unusual:
            return (f"Before {self.start:%B %Y}, {self.treated} and {self.control} did not move together: the gap "
                    f"between them drifted by {drift} over the year, more than at 9 in 10 of the placebos, so part "
                    "of the estimate may be a trend that was there before the event.")
        return (f"Before {self.start:%B %Y}, {self.treated} and {self.control} moved together (the gap between "
                f"them drifted by {drift} over the year, within what the placebos show), which the estimate relies on.")

    def method(self) -> str:
        dropped = (f"{self.treated} had no figures in {_listed(self.dropped)}, so those months are left out"
                   if self.dropped else f"{self.treated} had figures in every one of the {2 * WINDOW_MONTHS} months")
        ends = ("at the two ends (the lowest and the highest)" if self.bound_rank == 1 else
                f"{self.bound_rank} in from each end")
        left_out = (" Not used as comparisons: " + "; ".join(self.left_out) + "." if self.left_out else "")
        return (
            f"How this is worked out: a regression of the logarithm of monthly {self.measure.lower()} at "
            f"{self.treated} and the {len(self.controls)} comparison libraries ({_listed(self.controls)}), with an "
            f"effect for each library and one for each calendar month (which takes out the seasons and the "
            f"borough's trend), over the {WINDOW_MONTHS} months before {self.start:%B %Y} and the {WINDOW_MONTHS} "
            f"months from it; the event's effect is {self.treated}'s change over and above theirs (a difference in "
            f"differences, fitted with statsmodels). {dropped}: {self.months_before} months before and "
            f"{self.months_after} after were compared. Comparison libraries are those of the borough that have "
            f"figures in all {2 * WINDOW_MONTHS} months and no event of their own in them.{left_out} The range "
            f"does not come from the regression's own standard errors, which would treat every month as "
            f"independent news: the same estimate was made {self.space_placebos} times with each comparison "
            f"library as if it had had the event (placebos in space) and {self.time_placebos} times at "
            f"{self.treated} at dates with no event (placebos in time), {self.placebos} placebos in all. The range "
            f"is the estimate less the placebo estimates {ends}, so it holds the true effect about "
            f"{formats.number(self.coverage * 100)} times in 100 if the real estimate's error is like the placebos'. A change is "
            f"called clear when no more than {self.clear_allows} of the {self.placebos} placebos were as far from "
            f"zero, which chance alone does at most 1 time in {round(1 / CLEAR)}. It assumes that without the event {self.treated} would "
            f"have moved like the comparison libraries (the chart shows the year before), and it cannot tell the "
            f"event from anything else that happened there at the same time.")


def bound_rank(placebos: int, level: float = 0.95) -> int:
    """k: the range runs between the placebo estimates k-th from each end, k = (1 - level) / 2 x (n + 1)
    and at least 1, so the real estimate's error falls inside with chance (n + 1 - 2k) / (n + 1) if it is
    like the placebos' (at least `level` from 39 placebos; with 45: the lowest and the highest)."""
    return max(1, int(np.floor((1 - level) / 2 * (placebos + 1) + 1e-9)))


def placebo_bounds(placebos: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The placebo estimates that bound the range (see bound_rank)."""
    ranked = np.sort(placebos)
    k = bound_rank(len(ranked), level)
    return float(ranked[k - 1]), float(ranked[-k])


def two_way_effect(logs: np.ndarray, treated: np.ndarray, post: np.ndarray) -> float:
    """The treated-and-after coefficient of log figures on library and calendar-month effects (OLS).

    logs: months x libraries, NaN where a library has no figure; treated: per library; post: per month.
    The library effects are taken out by subtracting each library's means first (Frisch-Waugh-Lovell:
    the same coefficient as with a dummy for each library, from a regression a third the size).
    """
    ok = ~np.isnan(logs)
    month, library = np.nonzero(ok)
    columns = np.column_stack([logs[ok], (treated[library] & post[month]).astype(float),
                               np.eye(logs.shape[0])[month][:, 1:]])
    counts = np.bincount(library)
    means = np.stack([np.bincount(library, weights=c) for c in columns.T], axis=1) / counts[:, None]
    within = columns - means[library]
    return float(sm.OLS(within[:, 0], within[:, 1:]).fit().params[0])


def _gap_drift(logs: np.ndarray, treated: np.ndarray, pre: np.ndarray) -> float:
    """How far the treated libraries' gap to the comparison libraries drifted over the year before (log)."""
    with warnings.catch_warnings():          # a month the treated library was closed has no gap
        warnings.simplefilter("ignore", RuntimeWarning)
        gap = np.nanmean(logs[:, treated], axis=1) - np.nanmean(logs[:, ~treated], axis=1)
    keep = pre & ~np.isnan(gap)
    if keep.sum() < 3:
        return 0.0
    months = np.flatnonzero(keep)
    slope = np.cov(months, gap[keep])[0, 1] / np.var(months, ddof=1)     # least-squares slope
    return float(slope * (WINDOW_MONTHS - 1))


class _Panel:
    """A borough's monthly figures for one measure as arrays: months x libraries."""

    def __init__(self, panel: pd.DataFrame):
        flags = panel.assign(modelled=panel["provenance"].map(prov.is_modelled).astype(float),
                             imported=(panel["provenance"] == "imported").astype(float))
        wide = flags.pivot(index="month", columns="branch", values=["value", "modelled", "imported"])
        months = pd.date_range(wide.index.min(), wide.index.max(), freq="MS")
        wide = wide.reindex(months)
        self.months = months
        self.branches = list(wide["value"].columns)
        values = wide["value"].to_numpy(dtype=float, copy=True)
        values[~(values > 0)] = np.nan
        self.values = values
        self.logs = np.log(values)
        self.modelled = wide["modelled"].to_numpy(dtype=float) == 1
        self.imported = wide["imported"].to_numpy(dtype=float) == 1

    def window(self, start: pd.Timestamp) -> np.ndarray | None:
        """Row positions of the 12 months before start and the 12 from it (None if not all held)."""
        i = self.position(start) - WINDOW_MONTHS
        if i < 0 or i + 2 * WINDOW_MONTHS > len(self.months):
            return None
        return np.arange(i, i + 2 * WINDOW_MONTHS)

    def position(self, month: pd.Timestamp) -> int:
        """The row of a month (the rows are every month from the first, so this is arithmetic)."""
        return (month.year - self.months[0].year) * 12 + month.month - self.months[0].month

    def column(self, names) -> np.ndarray:
        return np.array([self.branches.index(n) for n in names], dtype=int)


def _touched_periods(events: pd.DataFrame) -> dict[str, list[pd.Timestamp]]:
    """For each branch, the months of the events that touched it by name."""
    periods: dict[str, list[pd.Timestamp]] = {}
    for e in events.itertuples():
        for b in touched_branches(e) or []:
            periods.setdefault(b, []).append(event_start(e))
    return periods


def _controls(data: _Panel, rows: np.ndarray, exclude: set[str], touched: dict[str, list[pd.Timestamp]]):
    """Comparison libraries for a window: figures in every month and no event of their own in it."""
    first, last = data.months[rows[0]], data.months[rows[-1]]
    chosen, left_out = [], []
    gaps = np.isnan(data.values[rows]).sum(axis=0)
    for j, b in enumerate(data.branches):
        if b in exclude:
            continue
        own = [m for m in touched.get(b, []) if first <= m <= last]
        missing = int(gaps[j])
        if missing == 2 * WINDOW_MONTHS:
            continue                                   # not open at all in the window: not a library then
        if own:
            left_out.append(f"{b} (its own event, {own[0]:%B %Y})")
        elif missing:
            left_out.append(f"{b} (no figures for {missing} of the {2 * WINDOW_MONTHS} months)")
        else:
            chosen.append(b)
    return chosen, left_out


def refusal(event, panel: pd.DataFrame | None, events: pd.DataFrame, _data: _Panel | None = None) -> Refusal | None:
    """Why the method does not apply to an event (None when it does), from what the event and figures say."""
    reasons = []
    kind = _text(getattr(event, "kind", None))
    touched = touched_branches(event)
    start = event_start(event)
    if kind == "closure":
        later = [e for e in events.itertuples() if touched_branches(e) == touched and _text(e.kind) == "opening"
                 and event_start(e) > start]
        reasons.append("it is a closure: a library has no figures while it is shut, so there is no 'after' to "
                       "measure" + (f"; its reopening (“{later[0].title}”, {event_start(later[0]):%B %Y}) is "
                                    "analysed as an event of its own." if later else "."))
    elif kind == "scope":
        reasons.append(f"branches left {event.borough}'s return: what changed is which libraries are counted, not "
                       "how much they are used, so a before-and-after would read the change of scope as a change "
                       "in use.")
    elif kind == "merger":
        reasons.append(f"{where(event)} took in the users of a library that closed at the same time, so its rise is "
                       "largely people moving from one library to the other, and the closed library, its nearest "
                       "comparison, has no figures after: a merger partner is not a control.")
    if touched is None and not reasons:
        scope = "both boroughs' libraries" if event.borough == "Both boroughs" else f"every library in {event.borough}"
        reasons.append(f"it covered {scope}, so no library was left untouched to compare with.")
    if panel is not None and not panel.empty:
        data = _data or _Panel(panel)
        if start + pd.DateOffset(months=WINDOW_MONTHS - 1) > data.months[-1]:
            after = max(0, (data.months[-1].year - start.year) * 12 + data.months[-1].month - start.month + 1)
            reasons.append(f"the figures available end in {data.months[-1]:%B %Y}, {after} months after it: "
                           f"a full {WINDOW_MONTHS} months after are needed.")
        elif start - pd.DateOffset(months=WINDOW_MONTHS) < data.months[0]:
            reasons.append(f"the warehouse's figures start in {data.months[0]:%B %Y}: a full {WINDOW_MONTHS} months "
                           "before are needed.")
        elif touched is not None and not reasons:
            rows = data.window(start)
            missing = [b for b in touched if b not in data.branches]
            if missing:
                reasons.append(f"the warehouse holds no figures for {_listed(missing)}.")
            else:
                held = ~np.isnan(data.values[np.ix_(rows, data.column(touched))]).all(axis=1)
                before, after = int(held[:WINDOW_MONTHS].sum()), int(held[WINDOW_MONTHS:].sum())
                if min(before, after) < MIN_MONTHS:
                    reasons.append(f"{where(event)} has figures for only {before} of the {WINDOW_MONTHS} months "
                                   f"before and {after} after ({MIN_MONTHS} on each side are needed).")
                controls, _ = _controls(data, rows, set(touched), _touched_periods(events))
                if len(controls) < MIN_CONTROLS:
                    reasons.append(f"only {len(controls)} other libraries in {event.borough} have figures in all "
                                   f"{2 * WINDOW_MONTHS} months and no event of their own ({MIN_CONTROLS} are "
                                   "needed to compare with).")
    if not reasons:
        return None
    reasons = [r[0].upper() + r[1:] for r in reasons]
    return Refusal(event.title, tuple(reasons))


def _placebo_dates(data: _Panel, treated: list[str], touched: dict[str, list[pd.Timestamp]]):
    """Months that could have been an event at the treated libraries: no event of theirs in the window."""
    own = sorted({data.position(m) for b in treated for m in touched.get(b, [])})
    dates = []
    for k in range(WINDOW_MONTHS, len(data.months) - WINDOW_MONTHS + 1):
        first, last = k - WINDOW_MONTHS, k + WINDOW_MONTHS - 1
        # The window must keep clear of every event of theirs and of the year after it.
        if any(first <= e + WINDOW_MONTHS - 1 and e <= last for e in own):
            continue
        dates.append(data.months[k])
    return dates


def _modelled_note(data: _Panel, rows: np.ndarray, libraries: list[str]) -> str | None:
    """Which windows rest on modelled figures, in words (None when neither does)."""
    modelled = data.modelled[np.ix_(rows, data.column(libraries))].any(axis=1)
    before, after = int(modelled[:WINDOW_MONTHS].sum()), int(modelled[WINDOW_MONTHS:].sum())
    if before == after == WINDOW_MONTHS:
        return "These figures are modelled estimates, not counts"
    if not before and not after:
        return None
    parts = []
    for name, n in (("the year after", after), ("the year before", before)):
        if n == WINDOW_MONTHS:
            parts.append(f"{name} is all modelled estimates")
        elif n:
            parts.append(f"{n} of the {WINDOW_MONTHS} months of {name} are modelled estimates")
    text = _listed(parts)
    return text[0].upper() + text[1:]


def seed_effect(event, measure_code: str) -> float | None:
    """The effect the seed generator gives the event over its first year, as a proportion (None: none)."""
    factor, first = _number(getattr(event, "modelled_effect", None)), _number(getattr(event, "modelled_first_effect", None))
    if factor is None and first is None:
        return None
    if _text(getattr(event, "modelled_metrics", None)) == "loans" and measure_code not in LOANS:
        return 0.0
    months = int(_number(event.modelled_first_months) or 0) if first is not None else 0
    months = min(months, WINDOW_MONTHS)
    logs = [np.log(first or 1.0)] * months + [np.log(factor or 1.0)] * (WINDOW_MONTHS - months)
    return float(np.exp(np.mean(logs)) - 1)


def _seed_note(event, measure: str, measure_code: str) -> str | None:
    effect = seed_effect(event, measure_code)
    if effect is None:
        return None
    if effect == 0.0:
        return f"On the seed the generator gives this event no effect on {measure.lower()}"
    factor, first = _number(event.modelled_effect), _number(event.modelled_first_effect)
    if first is not None:
        setting = f"×{formats.number(first, 2)} for its first {int(event.modelled_first_months)} months" + (
            f", then ×{formats.number(factor, 2)}" if factor is not None else ", then nothing")
    else:
        setting = f"×{formats.number(factor, 2)} from {event_start(event):%B %Y}"
    return (f"On the seed this effect is set by the generator's model, not measured: it sets {measure.lower()} at "
            f"{where(event)} {setting} (about {formats.percent(effect, 0, sign=True)} over the year after), so the estimate can only "
            "find the generator's own setting")


def estimate(event, panel: pd.DataFrame | None, events: pd.DataFrame, measure: str,
             measure_code: str) -> Estimate | Refusal:
    """The event's effect at the libraries it touched, with a placebo range, or why it cannot be given.

    panel: branch, month, value, provenance for the event's borough, one measure (None: not needed, for a
    service-wide event); events: every event.
    """
    data = None if panel is None or panel.empty else _Panel(panel)
    refused = refusal(event, panel, events, data)
    if refused is None and data is None:
        refused = Refusal(event.title, ("The warehouse holds no monthly figures for it.",))
    if refused is not None:
        return refused
    with threadpool_limits(1):          # small fits: threads only fight over the BLAS (ten times slower)
        return _estimate(event, data, events, measure, measure_code)


def _estimate(event, data: _Panel, events: pd.DataFrame, measure: str, measure_code: str) -> Estimate | Refusal:
    start = event_start(event)
    treated = touched_branches(event)
    touched = _touched_periods(events)
    rows = data.window(start)
    post = np.arange(2 * WINDOW_MONTHS) >= WINDOW_MONTHS
    pre = ~post
    controls, left_out = _controls(data, rows, set(treated), touched)
    libraries = treated + controls
    logs = data.logs[np.ix_(rows, data.column(libraries))]
    is_treated = np.arange(len(libraries)) < len(treated)
    effect = two_way_effect(logs, is_treated, post)
    drift = _gap_drift(logs, is_treated, pre)

    placebo_effects, placebo_drifts = [], []
    control_logs = data.logs[np.ix_(rows, data.column(controls))]
    for j in range(len(controls)):                                  # in space
        fake = np.arange(len(controls)) == j
        placebo_effects.append(two_way_effect(control_logs, fake, post))
        placebo_drifts.append(_gap_drift(control_logs, fake, pre))
    space = len(placebo_effects)
    for date in _placebo_dates(data, treated, touched):              # in time
        fake_rows = data.window(date)
        fake_controls, _ = _controls(data, fake_rows, set(treated), touched)
        fake_logs = data.logs[np.ix_(fake_rows, data.column(treated + fake_controls))]
        held = ~np.isnan(fake_logs[:, :len(treated)]).all(axis=1)
        if len(fake_controls) < MIN_CONTROLS or min(held[:WINDOW_MONTHS].sum(), held[WINDOW_MONTHS:].sum()) < MIN_MONTHS:
            continue
        fake = np.arange(len(treated) + len(fake_controls)) < len(treated)
        placebo_effects.append(two_way_effect(fake_logs, fake, post))
        placebo_drifts.append(_gap_drift(fake_logs, fake, pre))
    placebos = np.array(placebo_effects)
    if len(placebos) < MIN_PLACEBOS:
        return Refusal(event.title, (f"Only {len(placebos)} placebo estimates could be made ({MIN_PLACEBOS} are "
                                     "needed for a range).",))
    q_low, q_high = placebo_bounds(placebos)
    as_large = int((np.abs(placebos) >= abs(effect)).sum())
    unusual = abs(drift) > np.quantile(np.abs(placebo_drifts), 0.9)

    held = ~np.isnan(logs[:, :len(treated)]).all(axis=1)
    dropped = tuple(month_runs(data.months[rows][~held]))
    frame = _chart_frame(data, rows, treated, controls, _listed(treated), control_label(controls, event))
    data_note = _modelled_note(data, rows, libraries)
    counted = data.imported[np.ix_(rows, data.column(treated))]
    seed_note = None if counted.all() else _seed_note(event, measure, measure_code)
    return Estimate(
        event.title, measure, _listed(treated), control_label(controls, event), tuple(controls),
        tuple(left_out), start, float(np.expm1(effect)), float(np.expm1(effect - q_high)),
        float(np.expm1(effect - q_low)), space, len(placebos) - space, as_large, bound_rank(len(placebos)),
        int(held[:WINDOW_MONTHS].sum()), int(held[WINDOW_MONTHS:].sum()), dropped, float(np.expm1(drift)),
        bool(unusual), data_note, seed_note, frame)


def control_label(controls: list[str], event) -> str:
    return f"the {len(controls)} other {event.borough} libraries compared"


def _chart_frame(data: _Panel, rows, treated, controls, treated_name, control_name) -> pd.DataFrame:
    """Each side's monthly total as an index: 100 = its own average over the months before the event."""
    out = []
    for name, names in ((treated_name, treated), (control_name, controls)):
        values = data.values[np.ix_(rows, data.column(names))]
        total = np.where(np.isnan(values).all(axis=1), np.nan, np.nansum(values, axis=1))
        base = np.nanmean(total[:WINDOW_MONTHS])
        out.append(pd.DataFrame({"series": name, "month": data.months[rows], "value": total,
                                 "index": total / base * 100}))
    return pd.concat(out, ignore_index=True)
