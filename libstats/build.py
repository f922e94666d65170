"""Building the warehouse: data/schema/warehouse.sql plus the CSVs in data/seed/, in one transaction.

The warehouse is a pure function of the seed, so it can be rebuilt at any time: what people entered is in
the entries store (see libstats.db), which a build never opens for writing. A build refuses while the
warehouse is in use (the running dashboard holds it), and moves the entered data out of a warehouse built
before the entries store existed before replacing it.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb

from libstats import SEED_DIR, WAREHOUSE_SCHEMA, db

# Seed file -> table, in the order the foreign keys need.
SEED_TABLES = (
    ("boroughs.csv", "borough"),
    ("branches.csv", "branch"),
    ("branch_aliases.csv", "branch_alias"),
    ("branch_periods.csv", "branch_period"),
    ("metrics.csv", "metric"),
    ("monthly_figures.csv", "monthly_figure"),
    ("annual_figures.csv", "annual_figure"),
    ("published_figures.csv", "published_figure"),
    ("population.csv", "population"),
    ("targets.csv", "target"),
    ("events.csv", "event"),
    ("peers.csv", "peer_figure"),
)

# Table names come only from the fixed list above, never from input.
_LOAD_SQL = {table: "insert into " + table + " by name select * from read_csv($path, header = true, "
             "all_varchar = true, quote = '\"')" for _, table in SEED_TABLES}
# Monthly figures are stored by metric and month, so a query for a few of them skips the rest (zone maps).
_LOAD_SQL["monthly_figure"] = _LOAD_SQL["monthly_figure"] + " order by metric, month, branch"
_COUNT_SQL = {table: "select count(*) from " + table for _, table in SEED_TABLES}


@dataclass(frozen=True)
class BuildResult:
    path: Path
    rows: dict[str, int]
    seconds: float


def seed_checksum(seed_dir: Path) -> str:
    """A checksum of every seed file, stored in the database so a stale build can be told."""
    digest = hashlib.sha256()
    for name, _ in SEED_TABLES:
        digest.update(name.encode())
        digest.update((seed_dir / name).read_bytes())
    return digest.hexdigest()[:16]


def refuse_if_in_use(db_path: Path) -> None:
    """Raise db.DatabaseLocked if another program (the dashboard) has the warehouse open."""
    if Path(db_path).exists():
        db.connect(db_path).close()     # needs the file to itself: fails while anyone holds it


@contextlib.contextmanager
def new_database(db_path: Path, force: bool = False, scale: str = "seed",
                 checksum: str = "") -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a new warehouse, its schema made (data/schema/warehouse.sql), inside a transaction:
    when the block ends it is committed and the file renamed into place over db_path, so a failed build
    leaves any existing database as it was. Refuses to overwrite unless force, and while it is in use.
    """
    db_path = Path(db_path)
    if db_path.exists() and not force:
        raise FileExistsError(f"{db_path} already exists: use --force to rebuild it")
    refuse_if_in_use(db_path)
    if db_path.exists() and db.is_legacy_warehouse(db_path):
        from libstats import entries
        entries.adopt_legacy(db_path, db.entries_path(db_path))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.building")
    wal = tmp.with_name(tmp.name + ".wal")
    for leftover in (tmp, wal):
        leftover.unlink(missing_ok=True)
    try:
        con = db.connect(tmp)
        try:
            con.execute("set enable_progress_bar = false")
            con.execute("begin transaction")
            con.execute(WAREHOUSE_SCHEMA.read_text(encoding="utf-8"))
            yield con
            con.execute("insert into build_info values (current_timestamp, $checksum, $schema, $scale)",
                        {"checksum": checksum, "schema": db.schema_checksum(), "scale": scale})
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
        refuse_if_in_use(db_path)
        os.replace(tmp, db_path)
        db_path.with_name(db_path.name + ".wal").unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)


def build(db_path: Path, seed_dir: Path = SEED_DIR, force: bool = False) -> BuildResult:
    """Build the database at db_path from the schema and seed (see new_database)."""
    missing = [name for name, _ in SEED_TABLES if not (seed_dir / name).exists()]
    if missing:
        raise FileNotFoundError(f"seed files missing from {seed_dir}: {', '.join(missing)}")
    started = time.perf_counter()
    rows = {}
    with new_database(db_path, force, checksum=seed_checksum(seed_dir)) as con:
        for file_name, table in SEED_TABLES:
            con.execute(_LOAD_SQL[table], {"path": str(seed_dir / file_name)})
            rows[table] = con.execute(_COUNT_SQL[table]).fetchone()[0]
    return BuildResult(Path(db_path), rows, time.perf_counter() - started)


def ensure_current(db_path: Path) -> str | None:
    """Make the warehouse usable before opening it: build it if missing; if it predates the entries store,
    move its entered data there and rebuild it. Says what it did, or None."""
    db_path = Path(db_path)
    if not db_path.exists():
        try:
            build(db_path)
        except FileExistsError:
            return None         # another process built it meanwhile
        return f"built {db_path} from the seed"
    if db.is_legacy_warehouse(db_path):
        build(db_path, force=True)
        return f"moved the entered data of {db_path} into {db.entries_path(db_path)} and rebuilt it from the seed"
    built = db.built_from(db_path)
    if built is None or built["schema_checksum"] != db.schema_checksum():
        # The warehouse is a pure function of the seed, so a new schema is a rebuild; but only from the seed it
        # was built from, which is known here only for the project's own.
        if built is not None and built["scale"] == "seed" and built["seed_checksum"] == seed_checksum(SEED_DIR):
            build(db_path, force=True)
            return f"rebuilt {db_path} from the seed for the new warehouse schema (entries kept)"
        raise db.StaleWarehouse(f"{db_path} was built from an older warehouse schema or another seed: rebuild it "
                                "with `python -m libstats build --force` (add --seed DIR or --scale national as "
                                "it was built).")
    return None
