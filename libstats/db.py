"""The only door to DuckDB: the two stores, named queries from queries/, named statements in transactions.

Two files, one connection:

- the **warehouse** (data/library.duckdb): a pure function of data/seed/, built by libstats.build, opened
  read-only here and rebuildable at any time;
- the **entries store** (beside it, data/library.entries.duckdb): what people enter (imports, their
  history and reasons, commentary, targets set), which no build touches. Its schema is versioned: the
  numbered files in data/schema/entries/ are applied in order, once each (the schema_version table).

Both are attached to one in-memory catalog where data/schema/views.sql lays them side by side, so the
queries read `monthly_figure`, `commentary` … without knowing which file holds what.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pandas as pd

from libstats import DEFAULT_DB, ENTRIES_MIGRATIONS, QUERIES_DIR, STATEMENTS_DIR, VIEWS_FILE, WAREHOUSE_SCHEMA

QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")
MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class QueryError(RuntimeError):
    """A named query failed; the message names the query and its parameters."""


class StoreError(RuntimeError):
    """A store cannot be opened or used; the message says why in words (the cause is chained)."""


class DatabaseLocked(StoreError):
    """Another process holds a store file (DuckDB allows one writer and no readers beside it)."""


class LegacyWarehouse(StoreError):
    """A warehouse built before the entries store existed: it still holds entered data."""


class StaleWarehouse(StoreError):
    """A warehouse built from another version of data/schema/warehouse.sql: it must be rebuilt."""


def schema_checksum() -> str:
    """A checksum of data/schema/warehouse.sql, stored in every warehouse built from it."""
    return hashlib.sha256(WAREHOUSE_SCHEMA.read_bytes()).hexdigest()[:16]


def built_from(path: Path) -> dict | None:
    """What a warehouse file was built from (seed_checksum, schema_checksum, scale), or None if it does not say."""
    con = connect(path, read_only=True)
    try:
        columns = {r[0] for r in con.execute("select column_name from duckdb_columns() "
                                              "where table_name = 'build_info'").fetchall()}
        if "schema_checksum" not in columns:
            return None
        row = con.execute("select seed_checksum, schema_checksum, scale from build_info").fetchone()
        return None if row is None else dict(zip(("seed_checksum", "schema_checksum", "scale"), row))
    finally:
        con.close()


def db_path() -> Path:
    """The warehouse file: LIBSTATS_DB if set, else data/library.duckdb."""
    return Path(os.environ.get("LIBSTATS_DB") or DEFAULT_DB)


def entries_path(warehouse: Path) -> Path:
    """The entries store of a warehouse: LIBSTATS_ENTRIES if set, else `<name>.entries.duckdb` beside it."""
    named = os.environ.get("LIBSTATS_ENTRIES")
    if named:
        return Path(named)
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.stem + ".entries.duckdb")


# ---------------------------------------------------------------------------------------- SQL in files

def _sql_file(folder: Path, kind: str, name: str) -> str:
    if not QUERY_NAME.match(name):
        raise QueryError(f"{name!r} is not a {kind} name")
    path = folder / f"{name}.sql"
    if not path.exists():
        raise QueryError(f"there is no {kind} named {name!r} in {folder}")
    return path.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def query_sql(name: str) -> str:
    """The SQL text of queries/<name>.sql (reads)."""
    return _sql_file(QUERIES_DIR, "query", name)


@functools.lru_cache(maxsize=None)
def statement_sql(name: str) -> str:
    """The SQL text of statements/<name>.sql (what runs inside a transaction: the writes)."""
    return _sql_file(STATEMENTS_DIR, "statement", name)


def query_names() -> list[str]:
    """Every query in queries/."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def statement_names() -> list[str]:
    """Every statement in statements/."""
    return sorted(p.stem for p in STATEMENTS_DIR.glob("*.sql"))


def parameters_of(sql: str) -> set[str]:
    """The named parameters ($fy, $borough …) an SQL text takes (comments aside)."""
    return set(PARAMETER.findall(re.sub(r"--[^\n]*", "", sql)))


def query_parameters(name: str) -> set[str]:
    """The named parameters a query takes."""
    return parameters_of(query_sql(name))


def _check_parameters(kind: str, name: str, sql: str, params: dict) -> None:
    wanted = parameters_of(sql)
    missing, extra = wanted - params.keys(), params.keys() - wanted
    if missing or extra:
        raise QueryError(f"{kind} {name!r} takes parameters {sorted(wanted)}; "
                         f"missing {sorted(missing)}, unexpected {sorted(extra)}")


# ------------------------------------------------------------------------------------------ connecting

def _plain(path: Path, exc: duckdb.Error) -> StoreError:
    text = str(exc)
    if "lock" in text.lower():
        return DatabaseLocked(
            f"The database {path} is in use by another program (most likely the running dashboard). "
            "Stop it, or make the change from the dashboard itself.")
    if "not a valid duckdb database" in text.lower() or "unable to open" in text.lower():
        return StoreError(f"{path} is not a database this dashboard can read (is it the right file?).")
    return StoreError(f"The database {path} could not be opened: {text.splitlines()[0]}")


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open one database file on its own (builds, migrations, backups); never downloads an extension."""
    try:
        return duckdb.connect(str(path), read_only=read_only, config=CONFIG)
    except duckdb.Error as exc:
        raise _plain(Path(path), exc) from exc


def migrations() -> list[tuple[int, Path]]:
    """The entries store's migrations, numbered from 1 with no gaps: (version, file)."""
    found = []
    for path in sorted(ENTRIES_MIGRATIONS.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if not match:
            raise StoreError(f"{path.name} is not named like a migration (001_what_it_does.sql)")
        found.append((int(match.group(1)), path))
    if [v for v, _ in found] != list(range(1, len(found) + 1)):
        raise StoreError(f"the migrations in {ENTRIES_MIGRATIONS} are not numbered 1, 2, 3 … without gaps")
    return found


SCHEMA_VERSION_TABLE = """
create table if not exists schema_version (
    version     integer primary key,
    name        varchar not null,
    applied_at  timestamp not null default current_timestamp
)
"""


def migrate_entries(path: Path) -> list[str]:
    """Create the entries store if it is missing and apply the migrations it lacks, each in one transaction.

    Returns the files applied. Refuses a store written by a newer version of the dashboard.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = connect(path)
    try:
        con.execute(SCHEMA_VERSION_TABLE)
        have = con.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0]
        known = migrations()
        if have > len(known):
            raise StoreError(f"The entries store {path} has schema version {have}, written by a newer version of "
                             f"the dashboard than this one (which knows {len(known)}): update the dashboard.")
        applied = []
        for version, file in known[have:]:
            con.execute("begin transaction")
            try:
                con.execute(file.read_text(encoding="utf-8"))
                con.execute("insert into schema_version (version, name) values ($v, $name)",
                            {"v": version, "name": file.name})
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
            applied.append(file.name)
        return applied
    except duckdb.Error as exc:
        raise _plain(path, exc) from exc
    finally:
        con.close()


def entries_version(path: Path) -> int:
    """The schema version of an entries store file (0: none)."""
    con = connect(path, read_only=True)
    try:
        return con.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0]
    except duckdb.CatalogException:
        return 0
    finally:
        con.close()


def is_legacy_warehouse(path: Path) -> bool:
    """Whether a warehouse file predates the entries store (it has an import_batch table of its own)."""
    return _has_table(path, "import_batch")


def _has_table(path: Path, name: str) -> bool:
    con = connect(path, read_only=True)
    try:
        return bool(con.execute("select count(*) from duckdb_tables() where table_name = $name", {"name": name}).fetchone()[0])
    finally:
        con.close()


@dataclass
class _Shared:
    """What every Database handle on one pair of files in this process shares: one DuckDB instance."""
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    version: int | None = None


_SHARED: dict[str, _Shared] = {}
_SHARED_LOCK = threading.Lock()


class Database:
    """The warehouse and the entries store through one in-memory catalog; every query takes its own cursor,
    so threads never share one. Handles on the same files in one process share one DuckDB instance.
    """

    def __init__(self, path: Path, read_only: bool = False, entries: Path | None = None):
        self.path = Path(path)
        self.entries_path = Path(entries) if entries else entries_path(self.path)
        self.read_only = read_only
        if not self.path.exists():
            raise StoreError(f"There is no warehouse at {self.path}: build it with `python -m libstats build`.")
        key = hashlib.sha1(f"{self.path.resolve()}\n{self.entries_path.resolve()}".encode()).hexdigest()[:16]
        with _SHARED_LOCK:
            self._con = duckdb.connect(f":memory:libstats_{key}", config=CONFIG)
            try:
                attached = self._con.execute(
                    "select count(*) from duckdb_databases() where database_name = 'wh'").fetchone()[0]
                if not attached:            # the first handle on these files in this process (or since they closed)
                    self._open_stores(read_only)
            except BaseException:
                self._con.close()
                raise
            self._shared = _SHARED.setdefault(key, _Shared())
            if not attached:
                self._shared.version = None

    def _open_stores(self, read_only: bool) -> None:
        if is_legacy_warehouse(self.path):
            raise LegacyWarehouse(
                f"{self.path} was built by an earlier version and still holds entered data (imports, "
                "commentary, targets). Run `python -m libstats build --force`: it moves them into the "
                f"entries store ({self.entries_path.name}) and rebuilds the warehouse from the seed.")
        built = built_from(self.path)
        if built is None and not _has_table(self.path, "branch"):
            raise StoreError(f"{self.path} is not a warehouse built by this dashboard (it holds none of its tables). "
                             "Build one with `python -m libstats build`.")
        if built is None or built["schema_checksum"] != schema_checksum():
            raise StaleWarehouse(
                f"{self.path} was built from an older version of data/schema/warehouse.sql. Rebuild it with "
                "`python -m libstats build --force` (nothing entered is lost: that is in the entries store).")
        if not read_only or not self.entries_path.exists():
            migrate_entries(self.entries_path)
        for name, path, mode in (("wh", self.path, " (read_only)"),
                                 ("entries", self.entries_path, " (read_only)" if read_only else "")):
            try:
                # The alias and mode are fixed text; the path is bound.
                self._con.execute("attach if not exists $path as " + name + mode, {"path": str(path)})
            except duckdb.Error as exc:
                raise _plain(path, exc) from exc
        self._con.execute(VIEWS_FILE.read_text(encoding="utf-8"))

    def close(self) -> None:
        """Let go of this handle; DuckDB releases the files when every handle on them in this process is closed."""
        self._con.close()

    def run(self, name: str, **params: Any) -> pd.DataFrame:
        """Run queries/<name>.sql with named parameters bound (never formatted in)."""
        sql = query_sql(name)
        _check_parameters("query", name, sql, params)
        cursor = self._con.cursor()
        try:
            return cursor.execute(sql, params).df()
        except duckdb.Error as exc:
            raise QueryError(f"query {name!r} with {params!r} failed: {exc}") from exc
        finally:
            cursor.close()

    def run_over(self, name: str, relations: dict[str, Any], arrow: bool = False, **params: Any):
        """Run queries/<name>.sql over tables of this process (Arrow tables or DataFrames, e.g. a file's parsed
        rows) registered under the names it reads them by, for this query only; parameters bound as in run.
        The result is a DataFrame, or with arrow=True an Arrow table (a million rows of text convert to
        pandas slowly: the caller converts only what it needs)."""
        sql = query_sql(name)
        _check_parameters("query", name, sql, params)
        cursor = self._con.cursor()
        try:
            for relation, table in relations.items():
                cursor.register(relation, table)
            if arrow:
                return cursor.sql(sql, params=params).to_arrow_table()     # a relation: no extra copy
            return cursor.execute(sql, params).df()
        except duckdb.Error as exc:
            raise QueryError(f"query {name!r} failed: {exc}") from exc
        finally:
            cursor.close()

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the laid-out catalog, for inspection by tests and the benchmark (pages use run)."""
        cursor = self._con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def scalar(self, name: str, **params: Any) -> Any:
        """The single value a query returns."""
        frame = self.run(name, **params)
        return None if frame.empty else frame.iat[0, 0]

    def data_version(self) -> int:
        """A number that changes whenever the entered data does: the key for cached results.

        Read once and kept: DuckDB lets only the process holding the entries store write to it, and every
        write here goes through transaction(), which forgets the kept number. It is read under the write
        lock, so a reader can never keep a number from before a commit that has since forgotten it.
        """
        version = self._shared.version
        if version is None:
            with self._shared.write_lock:
                if self._shared.version is None:
                    self._shared.version = int(self.scalar("data_version"))
                version = self._shared.version
        return version

    @contextlib.contextmanager
    def transaction(self, bump: bool = True) -> Iterator["Transaction"]:
        """Named statements inside one transaction: committed whole on success, rolled back whole on error.

        Every write also bumps the data version, so cached query results are refreshed; bump=False for writes
        no cached query reads (sign-ins, accounts and the audit trail, which are read uncached).
        """
        if self.read_only:
            raise StoreError("This connection is read-only: open the database for writing to change it.")
        with self._shared.write_lock:
            cursor = self._con.cursor()
            began = False
            try:
                cursor.execute("begin transaction")
                began = True
                tx = Transaction(cursor)
                yield tx
                if bump:
                    tx.run("bump_data_version")
                cursor.execute("commit")
                began = False
                self._shared.version = None
            except BaseException as exc:
                if began:
                    try:
                        cursor.execute("rollback")
                    except duckdb.Error as rollback_failed:
                        # Keep the real cause (e.g. "No space left on device"), not the failed rollback's.
                        exc.add_note(f"(the rollback then failed too: {rollback_failed})")
                self._shared.version = None
                if isinstance(exc, duckdb.Error):      # e.g. the commit itself failed: a full disk
                    raise StoreError(f"The change could not be saved: {str(exc).splitlines()[0]}") from exc
                raise
            finally:
                cursor.close()


class Transaction:
    """One transaction's cursor: runs statements/<name>.sql with parameters bound, and registers tables."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection):
        self._cursor = cursor

    def run(self, name: str, **params: Any) -> duckdb.DuckDBPyConnection:
        """Run a named statement; fetch its rows with .fetchone(), .fetchall() or .df()."""
        sql = statement_sql(name)
        _check_parameters("statement", name, sql, params)
        try:
            return self._cursor.execute(sql, params)
        except duckdb.Error as exc:
            raise QueryError(f"statement {name!r} failed: {exc}") from exc

    @contextlib.contextmanager
    def registered(self, name: str, table) -> Iterator[None]:
        """An Arrow table or DataFrame readable by name in the statements run inside the block."""
        self._cursor.register(name, table)
        try:
            yield
        finally:
            self._cursor.unregister(name)
