"""Writing a checked plan in one transaction, undoing an import, and reading the import history."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from libstats import auth, formats
from libstats.db import Database
from libstats.importer.common import ImportRefused, Progress, _all_figures, _either, _report, plural
from libstats.importer.plan import Plan, scope_refusal
from libstats.quality import month_name


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote; import_id is None when there was nothing to write."""
    import_id: int | None
    added: int
    changed: int
    unchanged: int
    message: str


@dataclass(frozen=True)
class UndoResult:
    """What undoing an import put back."""
    import_id: int
    restored: int        # figures given back the value the import had replaced
    removed: int         # figures the import had added, now gone again
    message: str


def _write_table(writes: pd.DataFrame) -> pa.Table:
    """The figures to write as an Arrow table typed as the tables are, a figure added having NULL old values."""
    old_value = writes["old_value"].to_numpy(dtype=float)
    return pa.table({
        "file_row": pa.array(writes["row"].to_numpy(dtype="int64")).cast(pa.int32()),
        "branch": pa.array(writes["branch"].to_numpy(dtype=object), type=pa.string()),
        "month": pa.array(writes["month"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]"), type=pa.date32()),
        "metric": pa.array(writes["metric"].to_numpy(dtype=object), type=pa.string()),
        "old_value": pa.array(old_value, mask=np.isnan(old_value), type=pa.float64()),
        "old_provenance": pa.array(writes["old_provenance"].to_numpy(dtype=object), type=pa.string(), from_pandas=True),
        "old_import_id": pa.array(writes["old_import_id"].astype("Int64").to_numpy(dtype=float),
                                  from_pandas=True).cast(pa.int32()),
        "new_value": pa.array(writes["new_value"].to_numpy(dtype=float), type=pa.float64()),
        "method": pa.array(writes["method"].to_numpy(dtype=object), type=pa.string(), from_pandas=True),
    })


def write_other_grains(tx, plan: Plan, import_id: int) -> None:
    """The plan's counts over periods and annual figures, with their history (grains.py), in the transaction."""
    for writes, table, name, history, merge in (
            (plan.period_writes, _period_table, "period_rows", "insert_period_history", "merge_entered_periods"),
            (plan.annual_writes, _annual_table, "annual_rows", "insert_annual_history", "merge_entered_annual")):
        if writes is not None and not writes.empty:
            with tx.registered(name, table(writes)):
                tx.run(history, import_id=import_id)
                tx.run(merge, import_id=import_id)


def _nullable(values, kind) -> pa.Array:
    return pa.array(pd.Series(values, dtype=object).where(pd.notna(values), None).tolist(), type=kind)


def _period_table(writes: pd.DataFrame) -> pa.Table:
    return pa.table({
        "file_row": pa.array(writes["row"].astype("int64").tolist(), pa.int32()),
        "branch": pa.array(writes["branch"].tolist(), pa.string()),
        "metric": pa.array(writes["metric"].tolist(), pa.string()),
        "period_start": pa.array([d.date() for d in pd.to_datetime(writes["period_start"])], pa.date32()),
        "period_end": pa.array([d.date() for d in pd.to_datetime(writes["period_end"])], pa.date32()),
        "grain": pa.array(writes["grain"].tolist(), pa.string()),
        "old_value": _nullable(writes["old_value"], pa.float64()),
        "old_method": _nullable(writes["old_method"], pa.string()),
        "old_import_id": _nullable(writes["old_import_id"].astype("Int64").astype(object), pa.int32()),
        "new_value": pa.array(writes["new_value"].astype(float).tolist(), pa.float64()),
        "method": _nullable(writes["method"], pa.string()),
    })


def _annual_table(writes: pd.DataFrame) -> pa.Table:
    return pa.table({
        "file_row": pa.array(writes["row"].astype("int64").tolist(), pa.int32()),
        "borough": pa.array(writes["borough"].tolist(), pa.string()),
        "fy": pa.array(writes["fy"].tolist(), pa.string()),
        "metric": pa.array(writes["metric"].tolist(), pa.string()),
        "old_value": _nullable(writes["old_value"], pa.float64()),
        "old_provenance": _nullable(writes["old_provenance"], pa.string()),
        "old_import_id": _nullable(writes["old_import_id"].astype("Int64").astype(object), pa.int32()),
        "new_value": pa.array(writes["new_value"].astype(float).tolist(), pa.float64()),
    })


def _identify(tx, actor: auth.Actor | None, action: str) -> auth.Identity:
    try:
        identity = auth.identify(tx, actor)
        auth.authorise(identity, action)
        return identity
    except auth.Refused as refused:
        raise ImportRefused(str(refused)) from None


def apply(db: Database, plan: Plan, reasons: dict[str, str], actor: auth.Actor | None, file_name: str, checksum: str,
          progress: Progress | None = None) -> ImportResult:
    """Write a checked plan in one transaction, recording who, when, what it replaced and why warnings were accepted.

    Who imports is the actor's account, re-read inside the transaction: it must be allowed to import, and a
    librarian only figures of their own boroughs and branches (the refusal names the rows outside them).
    """
    if plan.problems:
        raise ImportRefused(f"{file_name} has {plural(len(plan.problems), 'problem')}, so nothing was imported. "
                            "Correct the file and load it again.")
    missing = plan.missing_reasons(reasons)
    if missing:
        raise ImportRefused(f"{plural(len(missing), 'warning')} {'needs' if len(missing) == 1 else 'need'} a "
                            "reason before the import can go ahead: "
                            + ", ".join(w.key for w in missing) + ". Nothing was imported.")
    if checksum != plan.checksum:
        raise ImportRefused(f"{file_name} is not the file that was checked (its checksum differs): check it again.")
    if plan.nothing_to_change:
        with db.transaction(bump=False) as tx:     # nothing is written, but only for someone who may import it
            identity = _identify(tx, actor, "import")
            refusal = scope_refusal(identity, plan)
        if refusal:
            raise ImportRefused(refusal)
        return ImportResult(None, 0, 0, len(plan.unchanged), (
            f"Nothing changed: {_all_figures(len(plan.unchanged), 'in ' + file_name)} already in the warehouse "
            "with the same values."))
    rows = _write_table(plan.writes)
    warnings = pd.DataFrame([{"key": w.key, "check_name": w.check, "branch": w.branch, "month": w.month,
                              "metric": w.metric, "message": str(w), "reason": reasons[w.key].strip()}
                             for w in plan.warnings],
                            columns=["key", "check_name", "branch", "month", "metric", "message", "reason"])
    # The whole file at once: one table registered, one statement for the history, one for the figures
    # (statements/). DuckDB turns an update of a column with a foreign key into a delete and an insert;
    # the entered figures are a small table of their own, so that is cheap.
    with db.transaction() as tx:
        identity = _identify(tx, actor, "import")
        refusal = scope_refusal(identity, plan)
        if refusal:
            raise ImportRefused(refusal)
        version = tx.run("current_data_version").fetchone()[0]
        if plan.data_version is not None and version != plan.data_version:
            raise ImportRefused("The warehouse changed since this file was checked (another import or undo?): "
                                "check the file again before importing it.")
        import_id = tx.run("insert_import_batch", user=identity.name, file_name=file_name, checksum=checksum,
                           added=len(plan.added), changed=len(plan.changed), unchanged=len(plan.unchanged),
                           shape=plan.shape).fetchone()[0]
        n = rows.num_rows
        if n:
            with tx.registered("import_rows", rows):
                tx.run("insert_figure_history", import_id=import_id)
                _report(progress, 0.4, f"Written the history of {formats.number(n)} figures; writing the figures")
                tx.run("merge_entered_figures", import_id=import_id)
                _report(progress, 0.8, f"Written {formats.number(n)} figures; saving")
        write_other_grains(tx, plan, import_id)
        if not warnings.empty:
            with tx.registered("import_warnings", warnings):
                tx.run("insert_import_warnings", import_id=import_id)
        boroughs = sorted(set(plan.added["borough"]) | set(plan.changed["borough"]))
        auth.audit(tx, identity.name, "import", (
            f"import {import_id}: {file_name} (sha256 {checksum[:12]}…): {plural(len(plan.added), 'figure')} added, "
            f"{formats.number(len(plan.changed))} changed, for {', '.join(boroughs)}"
            + (f"; {plural(len(warnings), 'warning')} given a reason" if not warnings.empty else "")),
            getattr(actor, "address", None))
    _report(progress, 1.0, f"Written {formats.number(len(plan.added) + len(plan.changed))} figures")
    return ImportResult(int(import_id), len(plan.added), len(plan.changed), len(plan.unchanged), (
        f"Import {import_id}: {file_name}: {plural(len(plan.added), 'figure')} added, {formats.number(len(plan.changed))} "
        f"changed, {formats.number(len(plan.unchanged))} unchanged."))


def undo(db: Database, import_id: int, actor: auth.Actor | None) -> UndoResult:
    """Put back what an import replaced and remove what it added, in one transaction.

    Allowed to the person who made the import, and to the head of service and administrators.
    """
    # A figure the import wrote that a later import changed would be lost by restoring the older value, so
    # that is refused: undo the later import first (imports are undone newest first where they overlap).
    with db.transaction() as tx:
        identity = _identify(tx, actor, "undo")
        batch = tx.run("import_batch_of", id=import_id).fetchone()
        if batch is None:
            raise ImportRefused(f"There is no import {import_id}.")
        file_name, _, imported_by, undone_at, undone_by = batch
        try:
            auth.authorise_undo(identity, import_id, imported_by)
        except auth.Refused as refused:
            raise ImportRefused(str(refused)) from None
        if undone_at is not None:
            raise ImportRefused(f"Import {import_id} ({file_name}) was already undone on "
                                f"{undone_at:%d %B %Y at %H:%M} by {undone_by}: there is nothing left to undo.")
        later = tx.run("later_changes", id=import_id).fetchall()
        if later:
            raise ImportRefused(_later_message(import_id, file_name, later))
        restored, removed = tx.run("count_history", id=import_id).fetchone()
        tx.run("remove_entered_figures", id=import_id)
        tx.run("restore_entered_figures", id=import_id)
        for statement in ("remove_entered_periods", "restore_entered_periods", "remove_entered_annual",
                          "restore_entered_annual"):
            tx.run(statement, id=import_id)
        tx.run("mark_import_undone", id=import_id, user=identity.name)
        auth.audit(tx, identity.name, "undo", (
            f"undid import {import_id} ({file_name}, made by {imported_by}): {plural(int(restored), 'figure')} "
            f"restored, {plural(int(removed), 'added figure')} removed"), getattr(actor, "address", None))
    return UndoResult(import_id, int(restored), int(removed), (
        f"Import {import_id} ({file_name}) undone: {plural(int(restored), 'figure')} restored to the earlier "
        f"values, {plural(int(removed), 'added figure')} removed."))


def _later_message(import_id: int, file_name: str, later: list[tuple]) -> str:
    by = sorted({(i, f) for *_, i, f in later if i is not None})
    what = _either([f"import {i} ({f})" for i, f in by]) if by else "a later change"
    first = later[0]
    were = "was" if len(later) == 1 else "were"
    return (f"Import {import_id} ({file_name}) cannot be undone: {formats.number(len(later))} of its figures {were} changed "
            f"later by {what}, e.g. {first[0]}, {first[2]} for {month_name(pd.Timestamp(first[1]))}. "
            "Undo the later import first.")


def history(db: Database) -> pd.DataFrame:
    """Every import, newest first (for the page's import history)."""
    return db.run("import_history")


def changes_of(db: Database, import_id: int) -> pd.DataFrame:
    """The figures one import wrote, with the values they replaced (old_value null: added)."""
    changes = db.run("import_changes")
    return changes[changes["import_id"] == import_id].reset_index(drop=True)


def reasons_of(db: Database, import_id: int) -> pd.DataFrame:
    """The warnings one import went ahead with, and the reason given for each."""
    reasons = db.run("import_reasons")
    return reasons[reasons["import_id"] == import_id].reset_index(drop=True)
