"""The entries store's care: backup and restore, and moving entered data out of an older warehouse."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import duckdb

from libstats import db, formats

# The tables of the entries store a backup must hold, and what they are called in words.
TABLES = {"import_batch": "imports", "entered_figure": "entered figures", "figure_history": "history rows",
          "import_warning": "warning reasons", "commentary": "commentary sections", "target_year": "years of targets",
          "entered_target": "targets set"}


def counts(path: Path) -> dict[str, int]:
    """Rows in each table of an entries store file (opened read-only)."""
    con = db.connect(path, read_only=True)
    try:
        return {t: con.execute("select count(*) from " + t).fetchone()[0] for t in TABLES}   # names: fixed list
    except duckdb.Error as exc:
        raise db.StoreError(f"{path} is not an entries store: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()


def describe(rows: dict[str, int]) -> str:
    return ", ".join(f"{formats.number(rows[t])} {words}" for t, words in TABLES.items() if t in rows)


def backup(store: Path, dest: Path, attempts: int = 20) -> dict[str, int]:
    """A consistent copy of the entries store at dest; returns the rows it holds.

    When no other program has the store open, DuckDB copies it from a read-only connection. While the
    dashboard holds it (DuckDB then lets no other process open it), the file and its write-ahead log are
    copied and the copy kept only if neither changed while it was made (a commit in between retries), and
    only after the copy opens and reads as an entries store.
    """
    store, dest = Path(store), Path(dest)
    if not store.exists():
        raise db.StoreError(f"There is no entries store at {store}: nothing has been entered yet.")
    if dest.exists():
        raise db.StoreError(f"{dest} already exists: choose a new file for the backup.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        try:
            con = db.connect(store, read_only=True)
        except db.DatabaseLocked:
            con = None
        if con is not None:
            try:
                con.execute("attach $path as backup", {"path": str(tmp)})
                con.execute("copy from database " + _catalog(con) + " to backup")
                con.execute("detach backup")
            finally:
                con.close()
        else:
            _copy_while_held(store, tmp, attempts)
        rows = counts(tmp)
        os.replace(tmp, dest)
        return rows
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)


def _catalog(con) -> str:
    """The catalog name DuckDB gave the store's file (its stem), from DuckDB itself, not from input."""
    return con.execute("select current_database()").fetchone()[0]


def _state(path: Path) -> tuple:
    wal = path.with_name(path.name + ".wal")
    return tuple((p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else None for p in (path, wal))


def _copy_while_held(store: Path, tmp: Path, attempts: int) -> None:
    wal = store.with_name(store.name + ".wal")
    for _ in range(attempts):
        before = _state(store)
        shutil.copyfile(store, tmp)
        tmp_wal = tmp.with_name(tmp.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, tmp_wal)
        else:
            tmp_wal.unlink(missing_ok=True)
        if _state(store) == before:
            # Open the copy for writing once, so DuckDB replays its log into it: the backup is one file.
            con = db.connect(tmp)
            try:
                con.execute("checkpoint")
            finally:
                con.close()
            return
        time.sleep(0.1)
    raise db.StoreError(f"{store} kept changing while it was copied ({attempts} tries): try again in a moment.")


def restore(backup_file: Path, store: Path) -> tuple[dict[str, int], Path | None]:
    """Put a backup in place of the entries store; returns its rows and where the replaced store was kept.

    The store being replaced is kept beside it (…before-restore-<time>.duckdb), so a restore loses nothing.
    Refused while the dashboard has the store open, and for a file that is not an entries store.
    """
    backup_file, store = Path(backup_file), Path(store)
    if not backup_file.exists():
        raise db.StoreError(f"There is no backup at {backup_file}.")
    version = db.entries_version(backup_file)
    if version == 0:
        raise db.StoreError(f"{backup_file} is not a backup of the entries store (it has no schema version).")
    if version > len(db.migrations()):
        raise db.StoreError(f"{backup_file} has schema version {version}, from a newer version of the dashboard.")
    rows = counts(backup_file)
    kept = None
    if store.exists():
        db.connect(store).close()         # refuses (DatabaseLocked) while the dashboard holds it
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = store.with_name(f"{store.stem}.before-restore-{stamp}.duckdb")
        shutil.copyfile(store, kept)
    tmp = store.with_name(f".{store.name}.{os.getpid()}.restoring")
    try:
        shutil.copyfile(backup_file, tmp)
        db.migrate_entries(tmp)           # an older backup is brought up to this version's schema
        os.replace(tmp, store)
        store.with_name(store.name + ".wal").unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    return rows, kept


LEGACY_COPIES = (
    # The statements that copy a warehouse built before the entries store into a new entries store, in order.
    "copy_legacy_imports", "copy_legacy_entered_figures", "copy_legacy_history", "copy_legacy_warnings",
    "copy_legacy_commentary", "copy_legacy_target_years", "copy_legacy_targets", "copy_legacy_import_sequence",
)


def adopt_legacy(warehouse: Path, store: Path) -> dict[str, int]:
    """Move what people entered in a warehouse built before the entries store into the entries store.

    Everything in one transaction; refused if the entries store already holds entries (nothing is merged
    silently). The warehouse itself is left as it was: the build then replaces it.
    """
    db.migrate_entries(store)
    existing = counts(store)
    if any(existing.values()):
        raise db.StoreError(
            f"{warehouse} still holds entered data, and the entries store {store} already holds some too "
            f"({describe(existing)}). Move one of them aside before rebuilding, so nothing is merged unseen.")
    con = duckdb.connect(":memory:", config=db.CONFIG)
    try:
        con.execute("attach $path as legacy (read_only)", {"path": str(warehouse)})
        con.execute("attach $path as entries", {"path": str(store)})
        tx = db.Transaction(con)
        con.execute("begin transaction")
        try:
            for name in LEGACY_COPIES:
                tx.run(name)
            tx.run("bump_data_version")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.close()
    return counts(store)
