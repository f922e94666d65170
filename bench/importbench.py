"""Import timings: validating and committing long CSVs (month,borough,branch,metric,value) with libstats.importer.

    python bench/importbench.py --db PATH --rows 10000,1000000 --work DIR --out JSON [--reps N] [--warmup N]

Each file changes figures already in the warehouse (value × 1.03 + 1), so every row is a real change
that is checked, compared, written with its history and recorded. Each run takes a fresh copy of the
database, then times validating (read_file + validate) and committing (apply). The sizes run smallest
first in one process, so the small file's warm-up warms the code for the large one too; runs stop early
once a size has used its time budget (the results say so).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402,F401  (puts the repository on sys.path)

FILE_SQL = """
copy (
    select strftime(f.month, '%Y-%m') as month, b.borough, f.branch, f.metric, round(f.value * 1.03) + 1 as value
    from monthly_figure f join branch b using (branch)
    order by f.branch, f.month, f.metric
    limit {rows}
) to '{path}' (header, delimiter ',')
"""


def available() -> str | None:
    """Why the importer cannot be benchmarked, or None if it can."""
    try:
        from libstats import importer
    except ImportError as exc:
        return f"libstats.importer cannot be imported ({exc})"
    missing = [f for f in ("read_file", "validate", "apply") if not hasattr(importer, f)]
    return f"libstats.importer has no {', '.join(missing)}" if missing else None


def make_file(db_path: Path, rows: int, path: Path) -> int:
    import duckdb
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        # rows and path come from this script, never from input; COPY answers with the rows it wrote
        return con.execute(FILE_SQL.format(rows=int(rows), path=str(path).replace("'", "''"))).fetchone()[0]
    finally:
        con.close()


def plain_load(csv_path: Path) -> float:
    """The floor: the same file loaded by DuckDB alone (insert … select … from read_csv), into a new table."""
    import duckdb
    con = duckdb.connect(":memory:")
    try:
        con.execute("create table figures (month varchar, borough varchar, branch varchar, metric varchar, value double)")
        started = time.perf_counter()
        # the file's own layout, stated (sniffing 20,480 rows can miss the quotes a later branch name needs)
        con.execute("insert into figures select * from read_csv($path, header = true, delim = ',', quote = '\"', "
                    "columns = {'month': 'VARCHAR', 'borough': 'VARCHAR', 'branch': 'VARCHAR', 'metric': 'VARCHAR', "
                    "'value': 'DOUBLE'})", {"path": str(csv_path)})
        return time.perf_counter() - started
    finally:
        con.close()


def register_seconds(db_path: Path) -> dict:
    """The data-quality register over the whole warehouse: its query, then the words for each flag."""
    from libstats import db, quality
    database = db.Database(db_path, read_only=True)
    try:
        catalogue = database.run("metric_catalogue")
        labels = dict(zip(catalogue["metric"], catalogue["label"]))
        started = time.perf_counter()
        flags = database.run("quality_flags", **quality.flags_parameters(None))
        queried = time.perf_counter()
        register = quality.register(flags, database.run("import_reasons"), database.run("events_all", borough=None),
                                    labels)
        return {"query": queried - started, "words": time.perf_counter() - queried, "flagged": len(register)}
    finally:
        database.close()


def plan_for(database, content: bytes, name: str):
    from libstats import importer
    parsed = importer.read_file(name, content)
    plan = importer.validate(database, parsed)
    if plan.problems:
        raise RuntimeError(f"the benchmark file has {len(plan.problems)} problems, e.g. {plan.problems[0]}")
    return parsed, plan


def bench_size(src: Path, work: Path, rows: int, reps: int, warmup: int, budget: float) -> dict:
    """Each run: a fresh copy of the warehouse, then validate (timed) and commit (timed) the same file."""
    from libstats import auth, importer
    from libstats.db import Database, entries_path

    csv_path = work / f"import_{rows}.csv"
    actual = make_file(src, rows, csv_path)
    content = csv_path.read_bytes()
    name = csv_path.name
    out = {"rows": actual, "validate": [], "apply": [], "floor": [], "warnings": None, "error": None, "note": None}
    copy = work / "import_work.duckdb"
    spent = 0.0
    try:
        for i in range(warmup + reps):
            shutil.copy(src, copy)
            for leftover in (entries_path(copy), entries_path(copy).with_name(entries_path(copy).name + ".wal")):
                leftover.unlink(missing_ok=True)            # each run imports into an empty entries store
            database = Database(copy)
            try:
                # Imports are made by an account allowed to: an administrator, made before the clock starts.
                auth.add_account(database, "bench", "administrator", email="bench@example.org", by="benchmark")
                started = time.perf_counter()
                parsed, plan = plan_for(database, content, name)
                checked = time.perf_counter()
                reasons = {w.key: "benchmark file" for w in plan.warnings}
                result = importer.apply(database, plan, reasons, auth.Actor.command_line("bench"), name,
                                        parsed.checksum)
                done = time.perf_counter()
            finally:
                database.close()
            if result.changed + result.added != actual:
                raise RuntimeError(f"apply wrote {result.changed + result.added} figures, not {actual}")
            out["warnings"] = len(plan.warnings)
            if i < warmup:
                continue
            out["validate"].append(checked - started)
            out["apply"].append(done - checked)
            out["floor"].append(plain_load(csv_path))
            spent += done - started
            if spent > budget and len(out["apply"]) < reps:
                out["note"] = f"{len(out['apply'])} of {reps} runs (time budget)"
                break
    finally:
        copy.unlink(missing_ok=True)
        csv_path.unlink(missing_ok=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rows", required=True, help="comma-separated sizes")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--large-reps", type=int, default=2, help="repetitions for files over 100,000 rows")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of timed runs per file size")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict = {"unavailable": available()}
    if results["unavailable"] is None:
        try:
            results["register"] = register_seconds(args.db)
        except Exception as exc:
            results["register"] = {"error": f"{type(exc).__name__}: {exc}"}
        for rows in sorted(int(r) for r in args.rows.split(",")):
            large = rows > 100_000
            try:
                # a large file runs after a small one in this process, which has warmed the code up
                results[str(rows)] = bench_size(args.db, args.work, rows, args.large_reps if large else args.reps,
                                                0 if large else args.warmup, args.budget)
            except Exception as exc:
                traceback.print_exc()
                results[str(rows)] = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"  import {rows:,} rows: {results[str(rows)]}", file=sys.stderr, flush=True)
            args.out.write_text(json.dumps(results, indent=1))
    args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
