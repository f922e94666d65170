"""What an import would do: validate() runs every check and gives a Plan (problems, warnings, the diff)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from libstats import auth, formats, quality
from libstats.db import Database
from libstats.importer import grains, return_checks
from libstats.importer.checks import (
    _closed,
    _diff,
    _duplicates,
    _resolve_branches,
    _resolve_metrics,
    _resolve_months,
    _resolve_values,
    _sorted_unique,
    checked_figures,
    parsed_rows,
    with_good,
)
from libstats.importer.common import Problem, Progress, _all_figures, _Budget, _report, plural
from libstats.importer.names import Catalogue
from libstats.importer.reading import ParsedFile
from libstats.quality import FigureWarning

# The name the page and the brief use for a plausibility warning (it shadows the builtin only here).
Warning = FigureWarning  # noqa: A001


@dataclass
class Plan:
    """What an import would do: figures added, changed (old -> new) and unchanged; problems; warnings."""
    file_name: str
    checksum: str
    shape: str
    added: pd.DataFrame           # row, borough, branch, month, metric, label, old_value, new_value, period
    changed: pd.DataFrame
    unchanged: pd.DataFrame
    problems: list[Problem]
    warnings: list[FigureWarning]
    notes: list[str] = field(default_factory=list)
    data_version: int | None = None
    previous_imports: list[int] = field(default_factory=list)   # earlier imports of the same bytes
    writes: pd.DataFrame | None = field(default=None, repr=False)   # added and changed, with old sources
    # Figures at another grain (grains.py), added and changed, with what they replace: counts over periods
    # (quarters, samples) and annual figures of a borough. Their preview rows are in added/changed/unchanged,
    # with the period in words.
    period_writes: pd.DataFrame | None = field(default=None, repr=False)
    annual_writes: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True if nothing blocks the import (warnings still need reasons)."""
        return not self.problems

    @property
    def nothing_to_change(self) -> bool:
        return self.ok and self.added.empty and self.changed.empty

    def missing_reasons(self, reasons: dict[str, str]) -> list[FigureWarning]:
        """The warnings that have no reason yet."""
        return [w for w in self.warnings if not (reasons.get(w.key) or "").strip()]

    def summary(self) -> str:
        """One sentence for the top of the page or the command line."""
        if self.problems:
            return (f"{self.file_name}: {plural(len(self.problems), 'problem')} found, so nothing can be imported. "
                    "Correct the file and load it again.")
        total = len(self.unchanged)
        if self.nothing_to_change:
            return (f"{self.file_name}: nothing to change: {_all_figures(total, 'in the file')} already in the "
                    "warehouse with the same values.")
        return (f"{self.file_name}: {plural(len(self.added), 'figure')} to add, {formats.number(len(self.changed))} to change, "
                f"{formats.number(total)} unchanged.")


def validate(db: Database, parsed: ParsedFile, today: dt.date | None = None,
             progress: Progress | None = None) -> Plan:
    """Check every figure before anything is written: all problems at once, the warnings, and the diff."""
    today = today or dt.date.today()
    _report(progress, 0.0, "Checking branches, months, metrics and values")
    budget = _Budget(parsed.name)
    version = db.data_version()
    cat = Catalogue.load(db)
    rec = grains.with_grain_columns(parsed.records.copy())
    problems = list(parsed.problems)
    # Counts over a period other than one month, and annual figures, are checked apart (grains.py).
    annual, periodic = grains.kinds(cat, rec)
    other = {"annual": rec[annual], "periodic": rec[periodic]}
    rec = rec[~annual & ~periodic]
    bad = pd.Series(False, index=rec.index)

    rec["branch"], rec["borough"], found = _resolve_branches(cat, rec)
    problems += found
    bad |= rec["branch"].isna()
    rec["metric"], found = _resolve_metrics(cat, rec)
    problems += found
    bad |= rec["metric"].isna()
    rec["month"], found = _resolve_months(rec, today)
    problems += found
    bad |= rec["month"].isna()
    rec["value"], value_bad, found = _resolve_values(cat, rec)
    problems += found
    bad |= value_bad
    budget.check()
    _report(progress, 0.4, "Looking for figures given twice and branches that were closed")
    parsed_table = parsed_rows(rec, bad)       # one Arrow table: every check from here on is SQL over it
    dup_bad, found = _duplicates(db, cat, rec, parsed_table)
    problems += found
    bad |= dup_bad
    closed_bad, found = _closed(db, cat, rec, parsed_table)
    problems += found
    bad |= closed_bad
    inside_bad, found = grains.months_in_stored_periods(db, cat, rec[~bad])
    problems += found
    bad[inside_bad[inside_bad].index] = True

    good = rec[~bad]
    period_diff, found = grains.check_periods(db, cat, other["periodic"], good, today)
    problems += found
    annual_diff, found = grains.check_annual(db, cat, other["annual"], today)
    problems += found
    parsed_table = with_good(parsed_table, bad)
    budget.check()
    _report(progress, 0.6, "Comparing with the figures already stored")
    diff, ordinals = _diff(db, cat, rec, parsed_table)
    diff["method"] = rec["method"].take(ordinals).to_numpy(dtype=object)    # how each was counted (Count type)
    budget.check()
    _report(progress, 0.8, "Running the plausibility checks")
    warnings = quality.check(db, checked_figures(parsed_table, diff, ordinals), cat.labels)
    figures = diff.rename(columns={"new_value": "value", "value_col": "column"}).assign(
        changes=lambda d: d["status"] != "unchanged")
    warnings = sorted(warnings + return_checks.check(db, figures, cat.labels),     # habits of real returns
                      key=lambda w: (w.row if w.row is not None else 0, w.key))
    columns = ["row", "borough", "branch", "month", "metric", "label", "old_value", "new_value", "period"]
    diff["period"] = None
    every = pd.concat([d[columns + ["status"]] for d in (diff, period_diff, annual_diff) if not d.empty]
                      or [diff[columns + ["status"]]]).sort_values("row", kind="stable")
    part = {s: every.loc[every["status"] == s, columns].reset_index(drop=True) for s in ("added", "changed", "unchanged")}
    writes = diff.loc[diff["status"] != "unchanged", ["row", "branch", "month", "metric", "old_value",
                                                      "old_provenance", "old_import_id", "new_value", "method"]]
    previous = _previous_imports(db, parsed.checksum)
    notes = list(parsed.notes)
    if previous:
        notes.append("This file was imported before (import " + ", ".join(str(i) for i in previous) + ").")
    _report(progress, 1.0, "Checked")
    return Plan(file_name=parsed.name, checksum=parsed.checksum, shape=parsed.shape,
                added=part["added"], changed=part["changed"], unchanged=part["unchanged"],
                problems=_sorted_unique(problems), warnings=warnings, notes=notes,
                data_version=version, previous_imports=previous, writes=writes.reset_index(drop=True),
                period_writes=period_diff.loc[period_diff["status"] != "unchanged", grains.PERIOD_WRITES]
                .reset_index(drop=True),
                annual_writes=annual_diff.loc[annual_diff["status"] != "unchanged", grains.ANNUAL_WRITES]
                .reset_index(drop=True))


def _previous_imports(db: Database, checksum: str) -> list[int]:
    history = db.run("import_history")
    done = history[(history["checksum"] == checksum) & history["undone_at"].isna()]
    return sorted(int(i) for i in done["import_id"])


def scope_refusal(identity: auth.Identity, plan: Plan) -> str | None:
    """The sentence refusing a file with figures outside this person's scope (naming the rows), or None."""
    figures = pd.concat([part[["row", "borough", "branch"]] for part in (plan.added, plan.changed, plan.unchanged)
                         if part is not None and not part.empty] or [pd.DataFrame(columns=["row", "borough", "branch"])])
    return auth.out_of_scope(identity, figures)
