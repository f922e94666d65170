"""Plausibility checks on imported figures (CIPFA's own data checks): warnings that need a reason, never errors."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from libstats import formats

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


# A figure as a check quotes it back: 1,234 or 1,234.5 (the import preview and the CLI's change list too).
number = formats.compact


def _percent(fraction: float) -> str:
    """A change or a share in a check's sentence: whole per cents, '31%' (and '1250%', as always, not '1,250%')."""
    return formats.percent(fraction, 0, grouping=False)


def month_name(month: pd.Timestamp) -> str:
    """'June 2015'."""
    return month.strftime("%B %Y")


def check(database, figures: pd.DataFrame | pa.Table, labels: dict[str, str]) -> list[FigureWarning]:
    """Every warning for a file's valid figures, judged against the stored figures of the same branches.

    figures (a DataFrame or an Arrow table): row, column, branch, month, metric, value, changes. changes is
    False for a figure already stored with the same value, so re-importing a file warns about nothing. The
    checks are SQL
    (queries/import_checks.sql, the register's rules over the warehouse as the import would leave it); the
    words are flag_text's, the register's.
    """
    if isinstance(figures, pd.DataFrame):
        figures = pa.Table.from_pandas(figures[["row", "column", "branch", "month", "metric", "value", "changes"]],
                                       preserve_index=False)
    if figures.num_rows == 0:
        return []
    found = database.run_over(
        "import_checks", {"checked_figures": figures},
        branches=sorted(pc.unique(figures["branch"]).to_pylist()),
        metrics=metrics_needed(pc.unique(figures["metric"]).to_pylist()),
        min_history=MIN_HISTORY, typo_ratio=TYPO_RATIO, quarter_ratio=QUARTER_RATIO, yoy_limit=YEAR_ON_YEAR_LIMIT)
    warnings = [FigureWarning(key=_flag_key(r), row=int(r.row), column=r.column, message=flag_text(r, labels),
                              check=r.check_name, branch=r.branch, month=_ym(pd.Timestamp(r.month)), metric=r.metric)
                for r in found.itertuples()]
    return sorted(warnings, key=lambda w: (w.row if w.row is not None else 0, w.key))


def _key(check_name: str, branch: str, month: pd.Timestamp, metric: str | None = None) -> str:
    parts = [check_name, branch, _ym(month)] + ([metric] if metric else [])
    return ":".join(parts)


@functools.lru_cache(maxsize=4096)
def _ym(month: pd.Timestamp) -> str:
    return month.strftime("%Y-%m")


@functools.lru_cache(maxsize=4096)
def _month_name(month: pd.Timestamp) -> str:
    return month_name(month)


# What each check says, in one place: the importer's warnings and the register's rows use the same words.
def typo_text(branch: str, label: str, month: pd.Timestamp, value: float, usual: float) -> str:
    if value / usual >= TYPO_RATIO:
        return (f"{branch}: {label} for {_month_name(month)} is {number(value)}, about {formats.times(value / usual)} its "
                f"usual monthly figure ({number(usual)}). Is there a digit too many?")
    return (f"{branch}: {label} for {_month_name(month)} is {number(value)}, about a tenth of its usual monthly "
            f"figure ({number(usual)}) or less. Is a digit missing?")


def quarter_text(branch: str, label: str, month, value: float, other1, other2) -> str:
    return (f"{branch}: {label} for {_month_name(month)} is {number(value)} while {_month_name(other1)} and "
            f"{_month_name(other2)} are zero. Is it the whole quarter's figure entered in one month?")


def yoy_text(branch: str, label: str, month, value: float, last: float, last_month) -> str:
    change = (value - last) / last
    return (f"{branch}: {label} for {_month_name(month)} is {number(value)}, {_percent(abs(change))} "
            f"{'more' if change > 0 else 'less'} than {_month_name(last_month)} ({number(last)}). "
            "A change of more than 25% on a year needs a reason.")


def pc_hours_text(branch: str, month, used: float, available: float) -> str:
    return (f"{branch}: PC hours used for {_month_name(month)} ({number(used)}) are more than the PC hours "
            f"available ({number(available)}). Were minutes entered as hours?")


def attendance_text(branch: str, month, attendance: float) -> str:
    return (f"{branch}: event attendance for {_month_name(month)} is {number(attendance)} but there were no "
            "events that month.")


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


@functools.lru_cache(maxsize=4096)
def _hours_text(hours: float, provenance: str) -> str:
    """'40', or '33 (estimated)' when the opening hours themselves are modelled (a branch has a few weekly hours
    over the years, and the register words each of its thousands of changes with them: written once each)."""
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
            return (f"{labels.get(whole, whole)} {'rose' if moved > 0 else 'fell'} {_percent(abs(moved))} when opening hours "
                    f"went from {then} to {now} a week ({since:%B %Y}), and the share of them used "
                    f"went only from {_percent(share_then)} to {_percent(share_now)}")
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
            f"{labels.get(r.metric, r.metric)} {'rose' if per_hour >= 0 else 'fell'} {_percent(abs(per_hour))}, within 25%")


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
