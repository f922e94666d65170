"""The only door to DuckDB: connecting, running named queries from queries/, transactions."""
from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pandas as pd

from libstats import DEFAULT_DB, QUERIES_DIR, UPGRADES_DIR

QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


class QueryError(RuntimeError):
    """A named query failed; the message names the query and its parameters."""


class DatabaseLocked(RuntimeError):
    """Another process holds the database file (DuckDB allows one writer and no readers beside it)."""


def db_path() -> Path:
    """The database file: LIBSTATS_DB if set, else data/library.duckdb."""
    return Path(os.environ.get("LIBSTATS_DB") or DEFAULT_DB)


@functools.lru_cache(maxsize=None)
def query_sql(name: str) -> str:
    """The SQL text of queries/<name>.sql."""
    if not QUERY_NAME.match(name):
        raise QueryError(f"{name!r} is not a query name")
    path = QUERIES_DIR / f"{name}.sql"
    if not path.exists():
        raise QueryError(f"there is no query named {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


def query_names() -> list[str]:
    """Every query in queries/."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def query_parameters(name: str) -> set[str]:
    """The named parameters ($fy, $borough …) a query takes."""
    sql = re.sub(r"--[^\n]*", "", query_sql(name))
    return set(PARAMETER.findall(sql))


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database file; never downloads an extension."""
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseLocked(
                f"The database {path} is in use by another program (most likely the running "
                "dashboard). Stop it, or make the change from the dashboard itself."
            ) from exc
        raise


# What data/upgrades/ adds to data/schema.sql, in order: (what the file creates, the file). Every build applies
# them after the schema; a warehouse built before one of them gets it when it is opened for writing.
UPGRADES = (("table fy_month", "001_fy_month.sql"), ("macro provenance_union", "002_provenance_union.sql"),
            ("column event.kind", "003_event_effects.sql"))
EXISTS = {
    "table": "select count(*) from information_schema.tables where table_name = $name",
    "macro": "select count(*) from duckdb_functions() where function_name = $name and function_type = 'macro'",
    "column": "select count(*) from information_schema.columns where table_name || '.' || column_name = $name",
}


def upgrade(con: duckdb.DuckDBPyConnection, own_transaction: bool = True) -> list[str]:
    """Apply every upgrade the warehouse lacks, in order; the files applied.

    A build runs them inside its own transaction, just after data/schema.sql (own_transaction=False);
    opening an older warehouse runs each in a transaction of its own.
    """
    applied = []
    for what, file_name in UPGRADES:
        kind, name = what.split()
        if con.execute(EXISTS[kind], {"name": name}).fetchone()[0]:
            continue
        sql = (UPGRADES_DIR / file_name).read_text(encoding="utf-8")
        if not own_transaction:
            con.execute(sql)
        else:
            cursor = con.cursor()
            try:
                cursor.execute("begin transaction")
                cursor.execute(sql)
                cursor.execute("commit")
            except BaseException:
                cursor.execute("rollback")
                raise
            finally:
                cursor.close()
        applied.append(file_name)
    return applied


class Database:
    """One connection per process; every query takes its own cursor, so threads never share one."""

    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._con = connect(self.path, read_only=read_only)
        if not read_only:
            upgrade(self._con)
        self._write_lock = threading.Lock()
        self._version: int | None = None

    def close(self) -> None:
        self._con.close()

    def run(self, name: str, **params: Any) -> pd.DataFrame:
        """Run queries/<name>.sql with named parameters bound (never formatted in)."""
        wanted = query_parameters(name)
        missing, extra = wanted - params.keys(), params.keys() - wanted
        if missing or extra:
            raise QueryError(
                f"query {name!r} takes parameters {sorted(wanted)}; "
                f"missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        cursor = self._con.cursor()
        try:
            return cursor.execute(query_sql(name), params).df()
        except duckdb.Error as exc:
            raise QueryError(f"query {name!r} with {params!r} failed: {exc}") from exc
        finally:
            cursor.close()

    def scalar(self, name: str, **params: Any) -> Any:
        """The single value a query returns."""
        frame = self.run(name, **params)
        return None if frame.empty else frame.iat[0, 0]

    def data_version(self) -> int:
        """A number that changes whenever the data does: the key for cached results.

        Read once and kept: DuckDB lets only the process holding the file write to it, and every write
        here goes through transaction(), which forgets the kept number. Pages ask for it on every query.
        """
        if self._version is None:
            self._version = int(self.scalar("data_version"))
        return self._version

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction: committed whole on success, rolled back whole on error.

        Every write also bumps the data version, so cached query results are refreshed.
        """
        with self._write_lock:
            cursor = self._con.cursor()
            try:
                cursor.execute("begin transaction")
                yield cursor
                cursor.execute("update data_version set version = version + 1")
                cursor.execute("commit")
                self._version = None
            except BaseException:
                cursor.execute("rollback")
                raise
            finally:
                cursor.close()


def ensure_built(path: Path) -> bool:
    """Build the database from the seed if the file is missing; True if it was built now."""
    if Path(path).exists():
        return False
    from libstats.build import build
    try:
        build(Path(path))
    except FileExistsError:
        return False        # another process built it meanwhile
    return True
