"""Plausibility checks on imported figures (CIPFA's own data checks): warnings that need a reason, never errors."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

YEAR_ON_YEAR_LIMIT = 0.25       # CIPFA: a key figure more than 25% off last year needs a reason
TYPO_RATIO = 9.0                # about ten times the usual figure: an extra digit (319,000 for 31,900)
QUARTER_RATIO = 2.5             # a quarter's total entered in one month is about three months' worth
MIN_HISTORY = 3                 # months needed before a branch's "usual" figure means anything

KEYS = ["branch", "month", "metric"]
# A part and the whole it cannot exceed (or needs): checking one needs the other, from the file or the warehouse.
PAIRS = (("pc_hours_used", "pc_hours_available"), ("event_attendance", "events"))


def metrics_needed(metrics) -> list[str]:
    """The metrics whose stored figures the checks need: the file's, and the other half of each pair."""
    needed = set(metrics)
    for part, whole in PAIRS:
        if needed & {part, whole}:
            needed |= {part, whole}
    return sorted(needed)


@dataclass(frozen=True)
class FigureWarning:
    """A figure that may be wrong: the import goes ahead only once someone gives a reason for it."""
    key: str              # stable across checks of the same file, e.g. 'yoy:Crayford:2015-06:visits'
    row: int | None       # the file's row, as a spreadsheet numbers it
    column: str | None
    message: str
    check: str = ""       # 'yoy', 'typo', 'quarter', 'pc_hours', 'attendance'
    branch: str = ""
    month: str = ""       # YYYY-MM
    metric: str = ""

    def __str__(self) -> str:
        return f"{_place(self.row, self.column)}{self.message}"


def _place(row: int | None, column: str | None) -> str:
    """'Row 5, column “Visits”: ' — where a person finds the cell in the spreadsheet."""
    parts = []
    if row is not None:
        parts.append(f"Row {row}")
    if column:
        parts.append(f"column “{column}”")
    return (", ".join(parts) + ": ") if parts else ""


def number(value: float) -> str:
    """A figure as a report writes it: 1,234 or 1,234.5."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def month_name(month: pd.Timestamp) -> str:
    """'June 2015'."""
    return month.strftime("%B %Y")


def shift_months(months: pd.Series, n) -> pd.Series:
    """First days of months moved by n months (n a number or an array), vectorised."""
    moved = months.to_numpy().astype("datetime64[M]") + np.asarray(n, dtype="int64")
    return pd.Series(moved.astype("datetime64[ns]"), index=months.index)


def check(figures: pd.DataFrame, stored: pd.DataFrame, labels: dict[str, str]) -> list[FigureWarning]:
    """Every warning for a file's valid figures, judged against the warehouse's stored figures."""
    # figures: row, column, branch, month (Timestamp), metric, value, changes. changes is False for a figure
    # already stored with the same value, so re-importing a file warns about nothing.
    # stored: branch, month, metric, value of the same branches (and metrics_needed) in the warehouse.
    if figures.empty:
        return []
    codes = _Codes(figures, stored)
    figures = codes.keyed(figures[KEYS + ["value", "row", "column", "changes"]], 0)
    combined = _Lookup(_combined(figures, codes.keyed(stored[KEYS + ["value"]], 1)))
    usual = _usual(combined)
    warnings: list[FigureWarning] = []
    typo = _typo(figures, usual, labels)
    quarter = _quarter(figures, combined, usual, labels, codes)
    # A figure already flagged as a typo or a lumped quarter is not flagged again for its change on
    # last year: the more specific warning says more, and one reason is enough.
    flagged = {(w.branch, w.month, w.metric) for w in typo + quarter}
    warnings += typo + quarter + _year_on_year(figures, combined, labels, flagged, codes)
    warnings += _pc_hours(figures, combined, codes)
    warnings += _attendance(figures, combined, codes)
    return sorted(warnings, key=lambda w: (w.row if w.row is not None else 0, w.key))


class _Codes:
    """Every (branch, month, metric) as one int64, so the checks join on a number, not three columns of text.

    _k is the figure, _bm its branch and metric; a month is (year * 12 + month), so moving n months is adding
    n * the number of metrics to _k.
    """

    def __init__(self, figures: pd.DataFrame, stored: pd.DataFrame):
        self.sizes = (len(figures), len(stored))
        self.branch_codes, self.branches = pd.factorize(pd.concat([figures["branch"], stored["branch"]],
                                                                  ignore_index=True))
        self.metric_codes, self.metrics = pd.factorize(pd.concat([figures["metric"], stored["metric"]],
                                                                 ignore_index=True))
        self.n = len(self.metrics)

    def metric(self, code: str) -> int:
        at = [i for i, m in enumerate(self.metrics) if m == code]
        return at[0] if at else -1

    def keyed(self, frame: pd.DataFrame, which: int) -> pd.DataFrame:
        """frame is the figures (0) or the stored figures (1) the codes were made from."""
        part = slice(0, self.sizes[0]) if which == 0 else slice(self.sizes[0], None)
        b = self.branch_codes[part].astype("int64")
        m = self.metric_codes[part].astype("int64")
        months = frame["month"].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype("int64") + 12 * 3000
        return frame.assign(_bm=b * self.n + m, _k=(b * 12 * 6000 + months) * self.n + m)

    def moved(self, keys, months) -> np.ndarray:
        """The keys of the same branch and metric some months (a number or an array) later or earlier."""
        return np.asarray(keys, dtype="int64") + np.asarray(months, dtype="int64") * self.n


def _combined(figures: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """The warehouse as it would be after the import: stored figures overlaid by the file's."""
    kept = stored[~pd.Series(stored["_k"].to_numpy()).isin(figures["_k"].to_numpy()).to_numpy()]
    kept = kept.assign(row=np.nan, column=None, changes=False)
    return pd.concat([kept, figures], ignore_index=True) if not kept.empty else figures.copy()


class _Lookup:
    """The combined figures, to join others to by key: a hash lookup when every key is there once (always, but
    for a register that overlays several imports' replaced values), else a merge giving every match."""

    def __init__(self, combined: pd.DataFrame):
        self.frame = combined
        self.keys = pd.Index(combined["_k"].to_numpy())
        self.values = combined["value"].to_numpy(dtype=float)
        self.unique = self.keys.is_unique

    def join(self, frame: pd.DataFrame, key: str, name: str) -> pd.DataFrame:
        """frame's rows whose key is among the figures, with that figure's value as name."""
        if not self.unique:
            return _with(frame, self.frame[["_k", "value"]].rename(columns={"_k": key, "value": name}), key)
        at = self.keys.get_indexer(frame[key].to_numpy())
        hit = at >= 0
        return frame[hit].assign(**{name: self.values[at[hit]]})


def _usual(combined: _Lookup) -> pd.Series:
    """Each branch's usual monthly figure for a metric (by _bm): the median of its months with anything in them."""
    positive = combined.values > 0
    grouped = pd.Series(combined.values[positive]).groupby(combined.frame["_bm"].to_numpy()[positive]).agg(
        ["median", "count"])
    return grouped.loc[grouped["count"] >= MIN_HISTORY, "median"].rename("usual").rename_axis("_bm")


def _with(frame: pd.DataFrame, values: pd.DataFrame, on: str) -> pd.DataFrame:
    """An inner join on one int64 key column (every match, as a merge on the three text columns gave)."""
    return frame.merge(values, on=on, how="inner", sort=False)


def _with_usual(frame: pd.DataFrame, usual: pd.Series) -> pd.DataFrame:
    """frame's rows whose branch and metric have a usual figure, with it."""
    at = usual.index.get_indexer(frame["_bm"].to_numpy())
    hit = at >= 0
    return frame[hit].assign(usual=usual.to_numpy()[at[hit]])


def _key(check_name: str, branch: str, month: pd.Timestamp, metric: str | None = None) -> str:
    parts = [check_name, branch, _ym(month)] + ([metric] if metric else [])
    return ":".join(parts)


@functools.lru_cache(maxsize=4096)
def _ym(month: pd.Timestamp) -> str:
    return month.strftime("%Y-%m")


@functools.lru_cache(maxsize=4096)
def _month_name(month: pd.Timestamp) -> str:
    return month_name(month)


def _warning(check_name: str, r, message: str, metric: str, keyed_metric: bool = True) -> FigureWarning:
    return FigureWarning(
        key=_key(check_name, r.branch, r.month, metric if keyed_metric else None),
        row=int(r.row), column=r.column, message=message, check=check_name,
        branch=r.branch, month=_ym(r.month), metric=metric,
    )


# What each check says, in one place: the importer's warnings and the register's rows use the same words.
def typo_text(branch: str, label: str, month: pd.Timestamp, value: float, usual: float) -> str:
    if value / usual >= TYPO_RATIO:
        return (f"{branch}: {label} for {_month_name(month)} is {number(value)}, about {value / usual:.0f} times its "
                f"usual monthly figure ({number(usual)}). Is there a digit too many?")
    return (f"{branch}: {label} for {_month_name(month)} is {number(value)}, about a tenth of its usual monthly "
            f"figure ({number(usual)}) or less. Is a digit missing?")


def quarter_text(branch: str, label: str, month, value: float, other1, other2) -> str:
    return (f"{branch}: {label} for {_month_name(month)} is {number(value)} while {_month_name(other1)} and "
            f"{_month_name(other2)} are zero. Is it the whole quarter's figure entered in one month?")


def yoy_text(branch: str, label: str, month, value: float, last: float, last_month) -> str:
    change = (value - last) / last
    return (f"{branch}: {label} for {_month_name(month)} is {number(value)}, {abs(change):.0%} "
            f"{'more' if change > 0 else 'less'} than {_month_name(last_month)} ({number(last)}). "
            "A change of more than 25% on a year needs a reason.")


def pc_hours_text(branch: str, month, used: float, available: float) -> str:
    return (f"{branch}: PC hours used for {_month_name(month)} ({number(used)}) are more than the PC hours "
            f"available ({number(available)}). Were minutes entered as hours?")


def attendance_text(branch: str, month, attendance: float) -> str:
    return (f"{branch}: event attendance for {_month_name(month)} is {number(attendance)} but there were no "
            "events that month.")


def _typo(figures: pd.DataFrame, usual: pd.Series, labels: dict[str, str]) -> list[FigureWarning]:
    """About ten times (or a tenth of) the branch's usual monthly figure: a digit too many or too few."""
    f = _with_usual(figures[figures["changes"]], usual)
    ratio = f["value"] / f["usual"]
    out = []
    for r in f[ratio >= TYPO_RATIO].itertuples():
        out.append(_warning("typo", r, typo_text(r.branch, labels[r.metric], r.month, r.value, r.usual), r.metric))
    for r in f[(f["value"] > 0) & (ratio <= 1 / TYPO_RATIO)].itertuples():
        out.append(_warning("typo", r, typo_text(r.branch, labels[r.metric], r.month, r.value, r.usual), r.metric))
    return out


def _quarter(figures, combined, usual, labels, codes: _Codes) -> list[FigureWarning]:
    """A quarter's total entered in one month: a big month with both other months of its quarter zero."""
    f = _with_usual(figures[figures["changes"] & (figures["value"] > 0)], usual)
    f = f[f["value"] >= QUARTER_RATIO * f["usual"]].copy()
    if f.empty:
        return []
    # Financial quarters (Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar) are calendar quarters.
    position = ((f["month"].dt.month - 1) % 3).to_numpy()
    step1, step2 = np.where(position == 0, 1, -position), np.where(position == 2, -1, 2 - position)
    f["other1"], f["other2"] = shift_months(f["month"], step1), shift_months(f["month"], step2)
    f["_k1"], f["_k2"] = codes.moved(f["_k"], step1), codes.moved(f["_k"], step2)
    for other in ("1", "2"):
        f = combined.join(f, "_k" + other, f"other{other}_value")
    f = f[(f["other1_value"] == 0) & (f["other2_value"] == 0)]
    return [_warning("quarter", r, quarter_text(r.branch, labels[r.metric], r.month, r.value, r.other1, r.other2),
                     r.metric) for r in f.itertuples()]


def _year_on_year(figures, combined, labels, flagged, codes: _Codes) -> list[FigureWarning]:
    """More than 25% up or down on the same month last year (CIPFA asks for a reason)."""
    f = figures[figures["changes"]]
    f = f.assign(_last_k=codes.moved(f["_k"], -12))
    f = combined.join(f, "_last_k", "last")
    f = f[(f["last"] > 0) & ((f["value"] - f["last"]).abs() > YEAR_ON_YEAR_LIMIT * f["last"])]
    if f.empty:
        return []
    f = f.assign(last_month=shift_months(f["month"], -12))
    out = []
    for r in f.itertuples():
        if (r.branch, _ym(r.month), r.metric) in flagged:
            continue
        out.append(_warning("yoy", r, yoy_text(r.branch, labels[r.metric], r.month, r.value, r.last, r.last_month),
                            r.metric))
    return out


def _pair(figures, combined, part: str, whole: str, codes: _Codes) -> pd.DataFrame:
    """Branch-months where the file has part or whole, with both values (file first, else stored)."""
    involved = figures[figures["metric"].isin([part, whole])]
    if involved.empty:
        return pd.DataFrame()
    p, w = codes.metric(part), codes.metric(whole)
    if p < 0 or w < 0:
        return pd.DataFrame()          # no figure of one of the two anywhere: nothing to compare
    # Each branch-month once, as the key of its part figure; then both values looked up by key.
    months = involved.assign(_pk=involved["_k"].to_numpy() - involved["_bm"].to_numpy() % codes.n + p)
    months = months.drop_duplicates("_pk")[["branch", "month", "_pk"]]
    pairs = combined.join(months, "_pk", part)
    pairs = combined.join(pairs.assign(_wk=pairs["_pk"] - p + w), "_wk", whole)
    pairs = pairs.dropna(subset=[part, whole])[["branch", "month", part, whole]]
    if pairs.empty:
        return pd.DataFrame()
    # The warning sits on the file's row that changes: the part's if it does, else the whole's.
    rows = involved[involved["changes"]].sort_values("metric", key=lambda m: m != part)
    rows = rows.drop_duplicates(["branch", "month"])[["branch", "month", "row", "column", "metric"]]
    return pairs.merge(rows, on=["branch", "month"])


def _pc_hours(figures, combined, codes: _Codes) -> list[FigureWarning]:
    """PC hours used above the hours available in the same branch-month (CIPFA: used < available)."""
    p = _pair(figures, combined, "pc_hours_used", "pc_hours_available", codes)
    if p.empty:
        return []
    out = []
    for r in p[p["pc_hours_used"] > p["pc_hours_available"]].itertuples():
        out.append(_warning("pc_hours", r, pc_hours_text(r.branch, r.month, r.pc_hours_used, r.pc_hours_available),
                            r.metric, keyed_metric=False))
    return out


def _attendance(figures, combined, codes: _Codes) -> list[FigureWarning]:
    """People at events in a month with no events: one of the two is wrong."""
    p = _pair(figures, combined, "event_attendance", "events", codes)
    if p.empty:
        return []
    out = []
    for r in p[(p["event_attendance"] > 0) & (p["events"] == 0)].itertuples():
        out.append(_warning("attendance", r, attendance_text(r.branch, r.month, r.event_attendance),
                            r.metric, keyed_metric=False))
    return out


CHECK_NAMES = {"yoy": "More than 25% off the same month last year", "typo": "About ten times the usual figure",
               "quarter": "A quarter's total in one month", "pc_hours": "PC hours used above hours available",
               "attendance": "Event attendance with no events"}
# CIPFA asks for a reason when a *key* figure moves more than 25% on a year; in the register that check
# covers the key measures only (small counts such as event attendance swing that much by chance).
KEY_METRICS = {"visits", "issues_adult_fiction", "issues_adult_nonfiction", "issues_children_fiction",
               "issues_children_nonfiction", "issues_av_e", "pc_hours_used", "pc_hours_available"}
REGISTER_COLUMNS = ["Branch", "Borough", "Month", "Measure", "Check", "What the check found", "Status", "Reason"]


def flags_parameters(branch: str | None) -> dict:
    """The parameters of the quality_flags query: the checks' thresholds, from this module only."""
    return {"branch": branch, "min_history": MIN_HISTORY, "typo_ratio": TYPO_RATIO, "quarter_ratio": QUARTER_RATIO,
            "yoy_limit": YEAR_ON_YEAR_LIMIT, "key_metrics": sorted(KEY_METRICS)}


def flag_text(r, labels: dict[str, str]) -> str:
    """The words of one row of the quality_flags query, as the importer's warning would say them."""
    label = labels.get(r.metric, r.metric)
    month = pd.Timestamp(r.month)
    if r.check_name == "typo":
        return typo_text(r.branch, label, month, r.value, r.reference)
    if r.check_name == "quarter":
        return quarter_text(r.branch, label, month, r.value, pd.Timestamp(r.other1), pd.Timestamp(r.other2))
    if r.check_name == "yoy":
        return yoy_text(r.branch, label, month, r.value, r.reference, pd.Timestamp(r.other1))
    if r.check_name == "pc_hours":
        return pc_hours_text(r.branch, month, r.value, r.reference)
    return attendance_text(r.branch, month, r.value)


def register(flags: pd.DataFrame, reasons: pd.DataFrame, events: pd.DataFrame,
             labels: dict[str, str], hours: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure that fails a check, with its status: open, explained (a reason is on record) or corrected.

    flags: the quality_flags query (the checks run in SQL, now and as the figures were before imports replaced
    them). reasons: warning_key, reason, import_id (given at import). events: event_date, borough, branch,
    branches, title (a change at the branch in the year before explains a jump). hours: the branch_hours query
    (branch, valid_from, valid_to, weekly_hours): a change on last year that a recorded change of weekly
    opening hours accounts for is explained by it (see hours_reason). The Measure column is the measure's
    name (labels), never its code.
    """
    given = {k: f"{r} (import {i})" for k, r, i in zip(reasons["warning_key"], reasons["reason"], reasons["import_id"])}
    events_at = _events_by_branch(events)
    hours_at = _hours_by_branch(hours)
    rows, flagged_now = [], set()
    now = list(flags[flags["state"] == "now"].itertuples())
    yoy_at = {(r.branch, _ym(pd.Timestamp(r.month)), r.metric): r for r in now if r.check_name == "yoy"}
    for r in now:
        key = _flag_key(r)
        flagged_now.add(key)
        month = _ym(pd.Timestamp(r.month))
        reason = (given.get(key) or _event_reason(events_at, r.branch, month)
                  or (_recorded_change_reason(hours_at, yoy_at, r, labels) if r.check_name == "yoy" else None))
        rows.append(_register_row(r, month, flag_text(r, labels), "explained" if reason else "open", reason or "",
                                  labels))
    for r in flags[(flags["state"] == "before") & flags["replaced_by"].notna()].itertuples():
        if _flag_key(r) not in flagged_now:
            rows.append(_register_row(r, _ym(pd.Timestamp(r.month)), flag_text(r, labels), "corrected",
                                      f"Corrected by import {int(r.replaced_by)}", labels))
    out = pd.DataFrame(rows, columns=REGISTER_COLUMNS)
    return out.sort_values(["Status", "Borough", "Branch", "Month"], kind="stable").reset_index(drop=True)


def _flag_key(r) -> str:
    metric = None if r.check_name in ("pc_hours", "attendance") else r.metric
    return _key(r.check_name, r.branch, pd.Timestamp(r.month), metric)


def _register_row(r, month: str, message: str, status: str, reason: str, labels: dict[str, str]) -> dict:
    return {"Branch": r.branch, "Borough": r.borough, "Month": month, "Measure": labels.get(r.metric, r.metric),
            "Check": CHECK_NAMES.get(r.check_name, r.check_name), "What the check found": message.split(": ", 1)[-1],
            "Status": status, "Reason": reason}


def _events_by_branch(events: pd.DataFrame) -> dict[str, list[tuple[pd.Timestamp, str]]]:
    """Each branch's events (day, title): looked up once per flagged figure, of which there may be thousands.

    An event that names its branches (events.csv's `branches`, e.g. two libraries going to community groups)
    is each of those branches' event too."""
    out: dict[str, list[tuple[pd.Timestamp, str]]] = {}
    several = events["branches"] if "branches" in events.columns else [None] * len(events)
    for branch, branches, day, title in zip(events["branch"], several, events["event_date"], events["title"]):
        touched = [branch] if isinstance(branch, str) else branches.split(";") if isinstance(branches, str) else []
        for b in touched:
            out.setdefault(b, []).append((pd.Timestamp(day), title))
    return out


def _hours_by_branch(hours: pd.DataFrame | None) -> dict[str, list[tuple[pd.Timestamp, pd.Timestamp, float, str]]]:
    """Each branch's periods of weekly opening hours (from, to, hours, provenance); to is far ahead for the
    current one."""
    out: dict[str, list[tuple[pd.Timestamp, pd.Timestamp, float, str]]] = {}
    if hours is None or hours.empty:
        return out
    provenance = hours["provenance"] if "provenance" in hours.columns else ["published"] * len(hours)
    for branch, start, end, weekly, prov in zip(hours["branch"], hours["valid_from"], hours["valid_to"],
                                                hours["weekly_hours"], provenance):
        if pd.isna(weekly):
            continue
        out.setdefault(branch, []).append((pd.Timestamp(start), pd.Timestamp("2262-01-01") if pd.isna(end)
                                           else pd.Timestamp(end), float(weekly), prov))
    return out


def _weekly_hours(periods, month: pd.Timestamp) -> tuple[float, pd.Timestamp, str] | None:
    """The weekly hours in a month, the first day of the run of periods with those hours, and their provenance."""
    for i, (start, end, weekly, prov) in enumerate(periods):
        if start <= month <= end:
            since = start
            for p_start, p_end, p_weekly, _ in reversed(periods[:i]):
                if p_weekly != weekly or p_end + pd.Timedelta(days=1) != since:
                    break
                since = p_start
            return weekly, since, prov
    return None


def _hours_text(hours: float, provenance: str) -> str:
    """'40', or '33 (estimated)' when the opening hours themselves are modelled."""
    return number(hours) + (" (estimated)" if provenance == "modelled" else "")


# A part whose change on last year is explained when its whole moved with it for a recorded reason: PC hours
# used follow the PC hours available (more opening hours, more PC time to use).
FOLLOWS = {"pc_hours_used": "pc_hours_available"}


def _recorded_change_reason(hours_at, yoy_at, r, labels: dict[str, str]) -> str | None:
    """Why a change on last year is no surprise, from the changes on record (opening hours), or None."""
    whole = FOLLOWS.get(r.metric)
    w = yoy_at.get((r.branch, _ym(pd.Timestamp(r.month)), whole)) if whole else None
    if w is not None and w.reference and w.value and r.reference:
        change = _hours_change(hours_at, w)
        share_then, share_now = r.reference / w.reference, r.value / w.value
        if change and abs(share_now / share_then - 1) <= YEAR_ON_YEAR_LIMIT:
            then, now, since, _ = change
            moved = w.value / w.reference - 1
            return (f"{labels.get(whole, whole)} {'rose' if moved > 0 else 'fell'} {abs(moved):.0%} when opening hours "
                    f"went from {then} to {now} a week ({since:%B %Y}), and the share of them used "
                    f"went only from {share_then:.0%} to {share_now:.0%}")
    return hours_reason(hours_at, r, labels)


def _hours_change(hours_at, r) -> tuple[str, str, pd.Timestamp, float] | None:
    """(hours then, hours now, as words; the month the new hours began; the change per opening hour) when a recorded change
    of weekly opening hours accounts for a change on last year, else None.

    It does when the branch's weekly hours changed between the two months (branch_period) in the same direction
    as the figure, and per opening hour the figure moved no more than the 25% CIPFA allows. A jump at the same
    hours, one against the hours, or one far beyond them is not accounted for.
    """
    periods = hours_at.get(r.branch)
    if not periods or not r.reference or r.other1 is None or pd.isna(r.other1):
        return None
    now, then = _weekly_hours(periods, pd.Timestamp(r.month)), _weekly_hours(periods, pd.Timestamp(r.other1))
    if not now or not then or now[0] <= 0 or then[0] <= 0 or now[0] == then[0]:
        return None
    hours_ratio, ratio = now[0] / then[0], r.value / r.reference
    per_hour = ratio / hours_ratio - 1
    if (ratio > 1) != (hours_ratio > 1) or abs(per_hour) > YEAR_ON_YEAR_LIMIT:
        return None
    return _hours_text(then[0], then[2]), _hours_text(now[0], now[2]), now[1], per_hour


def hours_reason(hours_at, r, labels: dict[str, str]) -> str | None:
    """The reason a change on last year is explained by a recorded change of weekly opening hours, or None."""
    change = _hours_change(hours_at, r)
    if not change:
        return None
    then, now, since, per_hour = change
    return (f"Opening hours went from {then} to {now} a week ({since:%B %Y}): per opening hour, "
            f"{labels.get(r.metric, r.metric)} {'rose' if per_hour >= 0 else 'fell'} {abs(per_hour):.0%}, within 25%")


def _event_reason(events_at: dict[str, list[tuple[pd.Timestamp, str]]], branch: str, month: str) -> str | None:
    """An event at the branch itself in the 13 months up to the figure's month (a closure, a new building)."""
    when = pd.Timestamp(month + "-01")
    for day, title in events_at.get(branch, ()):
        if when - pd.DateOffset(months=13) < day <= when + pd.DateOffset(months=1):
            return f"Event: {title} ({day:%b %Y})"
    return None


def completeness(grid: pd.DataFrame) -> pd.DataFrame:
    """Branches down the side, months across: ✓ figures, 0 all zero, ✗ missing (due but absent), blank not due."""
    def cell(r) -> str:
        if r.figures and (r.total or 0) > 0:
            return "✓"
        if r.figures:
            return "0"
        return "✗ missing" if r.due else ""
    grid = grid.assign(cell=[cell(r) for r in grid.itertuples()],
                       col=pd.to_datetime(grid["month"]).dt.strftime("%b %Y"))
    order = list(dict.fromkeys(grid["col"]))
    wide = grid.pivot_table(index=["borough", "branch"], columns="col", values="cell", aggfunc="first").reindex(columns=order)
    wide = wide.reset_index().rename(columns={"borough": "Borough", "branch": "Branch"})
    due = grid.groupby("branch")["due"].any()
    return wide[wide["Branch"].map(due) | (wide[order] != "").any(axis=1)].reset_index(drop=True)
