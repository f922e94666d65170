"""Replay a corpus of hostile and malformed returns through the command line and say how each was refused.

    python bench/hostile.py [--db PATH] [--timeout SECONDS]

Each file is written here (the large ones generated, so nothing big is kept in the repository), then
imported for real with `python -m libstats import` in a process of its own, against a copy of the
warehouse. A file passes when the import is refused (exit 1) with a plain message and no traceback, within
the time limit, and the entries store is unchanged afterwards (the same data version and rows). Prints one
line per file, then how many passed, the slowest and the largest peak memory. Exits 1 if any failed.
"""
from __future__ import annotations

import argparse
import io
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

H = "month,borough,branch,metric,value\n"


def _xlsx(rows: int, cols: int) -> bytes:
    import openpyxl
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Return")
    sheet.append(["month", "branch", "metric", "value"] + [f"c{i}" for i in range(cols - 4)])
    for i in range(rows):
        sheet.append(["2016-04", "Crayford", "visits", i] + ["x"] * (cols - 4))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def corpus() -> dict[str, bytes]:
    """name -> content: each one a file a careless or hostile person might send."""
    files = {
        "empty.csv": b"",
        "only_spaces.csv": b"   \n  \n",
        "no_header.csv": b"1,2,3\n4,5,6\n",
        "binary.csv": bytes(range(256)) * 40,
        "old_excel.xls": b"\xd0\xcf\x11\xe0" + b"\x00" * 2000,
        "broken.xlsx": b"PK\x03\x04" + b"\x00" * 2000,
        "unknown_branch.csv": (H + "2016-04,Bexley,Nowhere,visits,10\n").encode(),
        "markdown_cells.csv": (H + "2016-04,Bexley,![x](http://127.0.0.1:9/x.png),visits,10\n"
                               "2016-04,Bexley,:red[x],visits,10\n").encode(),
        "future_month.csv": (H + "2109-04,Bexley,Crayford,visits,10\n").encode(),
        "negative.csv": (H + "2016-04,Bexley,Crayford,visits,-3\n").encode(),
        "fraction.csv": (H + "2016-04,Bexley,Crayford,visits,3.5\n").encode(),
        "not_a_number.csv": (H + "2016-04,Bexley,Crayford,visits,lots\n").encode(),
        "huge_value.csv": (H + "2016-04,Bexley,Crayford,visits,1e308\n").encode(),
        "infinite.csv": (H + "2016-04,Bexley,Crayford,visits,inf\n").encode(),
        "duplicate_rows.csv": (H + "2016-04,Bexley,Crayford,visits,10\n2016-04,Bexley,Crayford,visits,11\n").encode(),
        "value_twice.csv": b"month,borough,branch,metric,value,value\n2016-04,Bexley,Crayford,visits,1,2\n",
        "month_twice.csv": b"month,borough,branch,metric,value,month\n2016-04,Bexley,Crayford,visits,1,2016-05\n",
        "long_cell.csv": (H + "2016-04,Bexley," + "x" * 131_073 + ",visits,1\n").encode(),
        "very_long_cell.csv": (H + "2016-04,Bexley," + "x" * 5_000_000 + ",visits,1\n").encode(),
        "unclosed_quote.csv": (H + '2016-04,Bexley,"Crayford,visits,1\n' * 3).encode(),
        "utf16_bad_branch.csv": (H + "2016-04,Bexley,Nowhere,visits,10\n").encode("utf-16"),
        "wide_without_metric.csv": b"Library,2016-04,2016-05\nCrayford,1,2\n",
        "many_problems.csv": (H + "".join(f"2016-04,Bexley,Nowhere {i},visits,1\n" for i in range(300_000))).encode(),
        "too_many_cells.xlsx": _xlsx(30_000, 20),
    }
    return files


def _rusage_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _state(db_path: Path) -> tuple:
    from libstats import db
    database = db.Database(db_path, read_only=True)
    try:
        with database.cursor() as cur:
            return tuple(cur.execute("select count(*) from " + t).fetchone()[0]   # names: fixed list
                         for t in ("import_batch", "entries.entered_figure", "figure_history", "import_warning")) \
                + (database.data_version(),)
    finally:
        database.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a warehouse to copy (default: a fresh build of the seed)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one file may take (default 60)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hostile_"))
    try:
        warehouse = work / "library.duckdb"
        if args.db:
            shutil.copy(args.db, warehouse)
        else:
            from libstats.build import build
            build(warehouse)
        from libstats import auth, db
        # The files are imported by an administrator (who may import any borough), so each is refused for what it holds.
        database = db.Database(warehouse)
        try:
            auth.add_account(database, "hostile", "administrator", email="hostile@example.org", by="benchmark")
        finally:
            database.close()
        before = _state(warehouse)
        passed, slowest, rows = 0, 0.0, []
        for name, content in corpus().items():
            path = work / name
            path.write_bytes(content)
            started = time.perf_counter()
            try:
                proc = subprocess.run([sys.executable, "-m", "libstats", "import", str(path), "--db", str(warehouse),
                                       "--user", "hostile", "--accept-warnings", "replayed"],
                                      cwd=ROOT, capture_output=True, text=True, timeout=args.timeout)
                seconds = time.perf_counter() - started
                out = proc.stdout + proc.stderr
                lines = out.splitlines()
                refused = any(line.startswith("Error:") for line in lines)
                # what the person is told first: the file's first problem, or the error itself
                said = next((line.strip() for line in lines if line.strip().startswith(("Problem:", "Error:"))),
                            out.strip()[-160:])
                ok = proc.returncode == 1 and "Traceback" not in out and refused
            except subprocess.TimeoutExpired:
                seconds, ok, said = args.timeout, False, f"still running after {args.timeout:.0f} s"
            unchanged = _state(warehouse) == before
            ok = ok and unchanged
            passed += ok
            slowest = max(slowest, seconds)
            rows.append((name, len(content), seconds, ok, said if unchanged else "THE STORE CHANGED. " + said))
            path.unlink()
        for name, size, seconds, ok, said in rows:
            print(f"{'ok  ' if ok else 'FAIL'} {name:26} {size / 1e6:7.2f} MB {seconds:6.2f} s  {said[:150]}")
        print(f"{passed} of {len(rows)} refused cleanly with nothing changed; slowest {slowest:.1f} s; "
              f"peak memory of one import {_rusage_peak_mb():,.0f} MB.")
        return 0 if passed == len(rows) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
