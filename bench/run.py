"""The benchmark: every page on the seed and on a national-scale warehouse, against Streamlit's floor and the
naive pandas-from-CSV approach, in AppTest and in Chromium; plus import and board-pack timings.

    python bench/run.py [--quick] [--skip-browser] [--skip-import] [--skip-pack] [--skip-sessions]

Writes bench/RESULTS.md and prints the same tables. Every figure is the median of several runs after a
warm-up; every comparison is a ratio of two figures measured in this run. Working files go to
bench/.cache/ (the national database is kept there; --quick reuses it while its inputs are unchanged).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BENCH,
    CACHE,
    CONTROL_ELEMENTS,
    DASHBOARD,
    ELEMENTS_APP,
    FLOOR,
    FLOOR_APP,
    FY,
    NAIVE,
    NAIVE_APP,
    PAGES,
    PYTHON,
    ROOT,
    SCOPE,
    control_values,
    machine,
    median,
    ratio,
)

RESULTS = BENCH / "RESULTS.md"
# Issue 19's targets (the browser's, the naive app's, eight readers', the PDF pack's), then the server side's and
# the import's from earlier issues. Every one is a ratio of figures measured in the same run, except the pack's
# seconds and the import's rows per second.
TARGETS = {"browser_change": 1.5, "browser_seen": 1.2, "browser_first": 1.2, "naive_browser": 5.0, "naive_server": 20.0,
           "sessions_p95": 2.0, "pack_pdf_s": 2.0,
           "server_seed": 1.5, "server_national": 3.0, "import": 100_000}


class Settings:
    """Repetitions and time budgets: a figure repeats after its warm-up until done or its budget is spent."""

    def __init__(self, quick: bool):
        self.quick = quick
        self.warmup = 1
        self.reps = 2 if quick else 3               # server side (AppTest)
        self.budget = 2.0 if quick else 4.0         # seconds of timed runs per server-side figure
        self.browser_reps = 3 if quick else 5       # a 1.2× target needs more than one sample
        self.browser_budget = 4.0 if quick else 8.0
        self.seed_build_reps = 3
        self.import_sizes = (10_000, 100_000) if quick else (10_000, 1_000_000)
        self.import_reps = 1 if quick else 2
        self.import_large_reps = 1 if quick else 2
        self.import_budget = 20.0 if quick else 60.0
        self.pack_reps = 1 if quick else 2
        self.pack_budget = 5.0 if quick else 8.0
        self.sessions = 8
        self.session_rounds = 3 if quick else 5


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------- databases

def _inputs_key() -> str:
    """What the national build depends on: if none of it changed, a cached national database is reused."""
    digest = hashlib.sha256()
    for path in (ROOT / "tools" / "national.py", ROOT / "libstats" / "build.py", ROOT / "data" / "schema" / "warehouse.sql",
                 ROOT / "data" / "national" / "service_points.csv", ROOT / "data" / "seed" / "metrics.csv"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_seed(settings: Settings) -> dict:
    """The seed warehouse through the command line, then build() timed in this process."""
    from libstats.build import build

    path = CACHE / "seed.duckdb"
    subprocess.run([PYTHON, "-m", "libstats", "build", "--db", str(path), "--force"], cwd=ROOT, check=True,
                   capture_output=True, text=True)
    times = []
    scratch = CACHE / "seed_timing.duckdb"
    for i in range(settings.warmup + settings.seed_build_reps):
        result = build(scratch, force=True)
        if i >= settings.warmup:
            times.append(result.seconds)
    scratch.unlink(missing_ok=True)
    return {"path": path, "seconds": times, "bytes": path.stat().st_size, "rows": _rows(path), "cached": False}


def build_national_db(settings: Settings) -> dict:
    """The national warehouse: built once into the cache (the warm-up), then timed builds into scratch files."""
    from tools.national import build_national

    path, meta_path = CACHE / "national.duckdb", CACHE / "national.json"
    key = _inputs_key()
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if settings.quick and path.exists() and meta.get("key") == key:
        log(f"reusing {path} (built {meta.get('built')})")
        return {"path": path, "seconds": meta["seconds"], "bytes": path.stat().st_size, "rows": _rows(path),
                "cached": True}
    log("building the national warehouse")
    first = build_national(path, force=True)
    log(f"  built in {first['seconds']:.1f} s: {first['rows']}")
    # One timed build: a second would add half a minute to a run that must stay under 15 minutes.
    times = [first["seconds"]]
    meta = {"key": key, "seconds": times, "built": time.strftime("%Y-%m-%d %H:%M")}
    meta_path.write_text(json.dumps(meta))
    return {"path": path, "seconds": times, "bytes": path.stat().st_size, "rows": _rows(path), "cached": False}


def _rows(path: Path) -> dict[str, int]:
    import duckdb
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        wanted = ["borough", "branch", "monthly_figure", "annual_figure", "daily_visits"]
        # t comes from the fixed list above, never from input
        return {t: con.execute("select count(*) from " + t).fetchone()[0] for t in wanted if t in tables}
    finally:
        con.close()


def export_csv(db_path: Path, folder: Path) -> None:
    """The naive app's CSV files, written once outside every timing."""
    import duckdb
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=True)
    queries = {
        "monthly_figures.csv": "select b.borough, f.branch, f.month, f.metric, f.value, f.provenance "
                               "from monthly_figure f join branch b using (branch) order by f.branch, f.month, f.metric",
        "annual_figures.csv": "select borough, fy, metric, value, provenance from annual_figure order by all",
        "population.csv": "select borough, fy, population, provenance, source from population order by all",
    }
    try:
        for name, query in queries.items():
            con.sql(query).write_csv(str(folder / name), header=True, sep=",")
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------- measuring

def _subprocess(args: list[str], timeout: int) -> str | None:
    """Run a helper; None if it finished, else why not (the table says so, the run goes on)."""
    try:
        done = subprocess.run([PYTHON, *args], cwd=ROOT, timeout=timeout, stdout=sys.stderr, stderr=sys.stderr)
    except subprocess.TimeoutExpired:
        return f"did not finish in {timeout} s"
    return None if done.returncode == 0 else f"failed (exit {done.returncode})"


def server_side(app: str, settings: Settings, values: Path, db: Path | None = None, data: Path | None = None,
                reps: int | None = None, timeout: int = 1200) -> dict:
    out = CACHE / f"server_{app}_{(db or data or Path('floor')).stem}.json"
    out.unlink(missing_ok=True)
    args = [str(BENCH / "server_side.py"), "--app", app, "--values", str(values), "--out", str(out),
            "--reps", str(reps or settings.reps), "--warmup", str(settings.warmup), "--budget", str(settings.budget)]
    if db:
        args += ["--db", str(db)]
    if data:
        args += ["--data", str(data)]
    problem = _subprocess(args, timeout)
    if out.exists():
        return json.loads(out.read_text())
    return {"error": problem or "no results"}


def browser_side(dbs: dict, settings: Settings, values: dict, naive_dirs: dict) -> dict:
    import browser as b
    from playwright.sync_api import sync_playwright

    results: dict = {}
    texts = {name: {k: [t for _, t in v] for k, v in vals.items()} for name, vals in values.items()}
    with sync_playwright() as p:
        chromium = b.launch(p)
        try:
            log("browser: floor app")
            results["floor"] = b.measure_app(chromium, FLOOR_APP, {}, [FLOOR], texts["seed"], settings.browser_reps,
                                             settings.warmup, settings.browser_budget, CACHE / "browser_floor.log",
                                             log)["floor"]
            # The control: the floor with a page's worth of elements around it that compute nothing (the
            # Overview draws 51), so the table shows what Streamlit's own cost of the elements is.
            log(f"browser: floor with {CONTROL_ELEMENTS} elements")
            results["elements"] = b.measure_app(chromium, ELEMENTS_APP, {"BENCH_ELEMENTS": str(CONTROL_ELEMENTS)},
                                                [FLOOR], texts["seed"], settings.browser_reps, settings.warmup,
                                                settings.browser_budget, CACHE / "browser_elements.log", log)["floor"]
            specs = list(PAGES)
            for name, info in dbs.items():
                log(f"browser: dashboard on the {name} warehouse")
                results[name] = b.measure_app(chromium, DASHBOARD, {"LIBSTATS_DB": str(info["path"])}, specs,
                                              texts[name], settings.browser_reps, settings.warmup,
                                              settings.browser_budget, CACHE / f"browser_{name}.log", log)
                # A page that draws no chart (the Data page) is timed in the browser on the seed only: at
                # national scale its first run is all server work, which the AppTest figures already show.
                specs = [s for s in specs if results[name].get(s.name, {}).get("chart", True)]
                log(f"browser: naive app on the {name} CSVs")
                results[f"naive_{name}"] = b.measure_app(
                    chromium, NAIVE_APP, {"NAIVE_DATA_DIR": str(naive_dirs[name])}, [NAIVE], texts[name],
                    settings.browser_reps, settings.warmup, settings.browser_budget,
                    CACHE / f"browser_naive_{name}.log", log)["naive"]
        finally:
            chromium.close()
    return results


# ---------------------------------------------------------------------------------------------- reporting

def _s(values) -> str:
    m = median(values or [])
    return "–" if m is None else f"{m:.2f}"


def _x(value: float | None, target: float | None = None, at_least: bool = False) -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}×" if value >= 10 else f"{value:.2f}×"
    if target is None:
        return text
    met = value >= target if at_least else value <= target
    return f"{text} {'✓' if met else '✗'}"


def _cell(result: dict | None, key: str, planned: int | None = None) -> str:
    """A median, with the number of runs when the time budget allowed fewer than planned."""
    if not result:
        return "–"
    if result.get("error") and not result.get(key):
        return "error"
    runs = len(result.get(key) or [])
    return _s(result.get(key)) + (f" (n={runs})" if planned and 0 < runs < planned else "")


def report(settings: Settings, env: dict, dbs: dict, server: dict, browser: dict, imports: dict, packs: dict,
           started: float, sessions: dict | None = None) -> str:
    sessions = sessions or {}
    n, w, nb = settings.reps, settings.warmup, settings.browser_reps
    lines = [
        "# Benchmark results",
        "",
        f"Made by `python bench/run.py{' --quick' if settings.quick else ''}` in {(time.perf_counter() - started) / 60:.1f} "
        "minutes. Seconds are medians of the runs after a warm-up; ratios compare figures measured in this run "
        f"on the same machine. Every page opens on {FY} and the {SCOPE.lower()} (the national warehouse's "
        "whole service is all 135 English authorities).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in env.items()],
        "",
        "## Warehouses",
        "",
        "| | Seed (data/seed) | National (tools/national.py) |",
        "|---|---:|---:|",
    ]
    seed, nat = dbs.get("seed", {}), dbs.get("national", {})
    for label, table in (("Authorities (boroughs)", "borough"), ("Branches", "branch"),
                         ("Monthly figures", "monthly_figure"), ("Annual figures", "annual_figure"),
                         ("Daily visits", "daily_visits")):
        a, b = seed.get("rows", {}).get(table), nat.get("rows", {}).get(table)
        lines.append(f"| {label} | {'–' if a is None else f'{a:,}'} | {'–' if b is None else f'{b:,}'} |")
    lines.append(f"| Size on disk | {seed.get('bytes', 0) / 1e6:.1f} MB | {nat.get('bytes', 0) / 1e6:.1f} MB |")
    nat_note = " (cached build)" if nat.get("cached") else ""
    lines.append(f"| Build time | {_s(seed.get('seconds'))} s (n={len(seed.get('seconds') or [])}) | "
                 f"{_s(nat.get('seconds'))} s (n={len(nat.get('seconds') or [])}){nat_note} |")

    floor = server.get("floor", {}).get("floor", {})
    lines += [
        "",
        f"## Server side: AppTest on dashboard.py (seconds; median of {n} after {w} warm-up)",
        "",
        "First run: empty caches (st.cache_data and the pages' computed content cleared; the connection open and "
        "the modules imported, as in a server that has served someone before). Change: the page's main control set "
        "to a value not chosen before, so its queries and computations run. Cached: set back to a value already "
        "chosen (queries and computed content from the cache). Ratios: change ÷ the floor's "
        f"change (targets ≤ {TARGETS['server_seed']}× on the seed, ≤ {TARGETS['server_national']}× at national scale).",
        "",
        "| Page | Control | Seed first | Seed change | Seed cached | National first | National change | National cached "
        "| Change ÷ floor, seed | Change ÷ floor, national | Cached ÷ floor, national |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| *floor* (bench/floor_app.py) | selectbox | {_cell(floor, 'first', n)} | {_cell(floor, 'change', n)} | "
        f"{_cell(floor, 'cached', n)} | | | | | | |",
    ]
    floor_change = median(floor.get("change") or [])
    for spec in PAGES:
        s = server.get("seed", {}).get(spec.name, {})
        t = server.get("national", {}).get(spec.name, {})
        rs = ratio(median(s.get("change") or []), floor_change)
        rn = ratio(median(t.get("change") or []), floor_change)
        rc = ratio(median(t.get("cached") or []), floor_change)
        lines.append(
            f"| {spec.name} | {spec.control} | {_cell(s, 'first', n)} | {_cell(s, 'change', n)} | {_cell(s, 'cached', n)} | "
            f"{_cell(t, 'first', n)} | {_cell(t, 'change', n)} | {_cell(t, 'cached', n)} | {_x(rs, TARGETS['server_seed'])} | "
            f"{_x(rn, TARGETS['server_national'])} | {_x(rc, TARGETS['server_national'])} |")
    errors = [(db, page, r["error"]) for db in ("seed", "national") for page, r in server.get(db, {}).items()
              if isinstance(r, dict) and r.get("error")]

    bfloor = browser.get("floor", {})
    lines += [
        "",
        f"## In the browser: Chromium against `streamlit run` (seconds; median of {nb} after {w} warm-up)",
        "",
        "First chart: from navigation to the first Plotly chart drawn with the script finished, each time in a new "
        "tab (a new session; the browser's HTTP cache and the server's data cache warm after the warm-up). "
        "Change: from the key press choosing a new value to the last chart redrawn and the script finished. "
        "Seen: the same, back to a value that session already chose (served from the caches). "
        f"Targets: first chart ≤ {TARGETS['browser_first']}× the floor's, change ≤ {TARGETS['browser_change']}×, "
        f"seen ≤ {TARGETS['browser_seen']}× (the floor's own change, which has nothing to cache).",
        "",
        "| Page | Seed first chart | Seed change | Seed seen | National first chart | National change | National seen "
        "| First ÷ floor, seed | Change ÷ floor, seed | Seen ÷ floor, seed "
        "| First ÷ floor, national | Change ÷ floor, national | Seen ÷ floor, national |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| *floor* | {_cell(bfloor, 'first', nb)} | {_cell(bfloor, 'change', nb)} | {_cell(bfloor, 'seen', nb)} "
        "| | | | | | | | | |",
    ]
    ff, fc = median(bfloor.get("first") or []), median(bfloor.get("change") or [])
    control = browser.get("elements", {})
    if control:
        lines.append(
            f"| *floor + {CONTROL_ELEMENTS} elements that compute nothing (control)* | {_cell(control, 'first', nb)} | "
            f"{_cell(control, 'change', nb)} | {_cell(control, 'seen', nb)} | | | | "
            + " | ".join(_x(ratio(median(control.get(k) or []), base), TARGETS[target])
                         for k, base, target in (("first", ff, "browser_first"), ("change", fc, "browser_change"),
                                                 ("seen", fc, "browser_seen")))
            + " | | | |")
    for spec in PAGES:
        s = browser.get("seed", {}).get(spec.name, {})
        t = browser.get("national", {}).get(spec.name, {})
        note = "" if s.get("chart", True) else " (no chart: to the script finished; seed only)"
        cells = [f"{spec.name}{note}", *(_cell(r, k, nb) for r in (s, t) for k in ("first", "change", "seen"))]
        cells += [_x(ratio(median(r.get(k) or []), base), TARGETS[target]) for r in (s, t)
                  for k, base, target in (("first", ff, "browser_first"), ("change", fc, "browser_change"),
                                          ("seen", fc, "browser_seen"))]
        lines.append("| " + " | ".join(cells) + " |")
    errors += [(f"browser {db}", page, r["error"]) for db in ("seed", "national") for page, r in browser.get(db, {}).items()
               if isinstance(r, dict) and r.get("error")]

    lines += [
        "",
        "## The naive approach against ours: the Overview, whole service (seconds)",
        "",
        "Naive: bench/naive_app.py, the same headline figures and monthly chart computed with pandas from CSV files "
        "(exported from the same warehouse) on every rerun. Ours: the Overview page. The year is changed in the "
        "sidebar (the naive app has no cache, so a year already seen costs what a new one does). "
        f"Targets at national scale, a new year: naive ÷ ours ≥ {TARGETS['naive_browser']:.0f}× in the browser, "
        f"≥ {TARGETS['naive_server']:.0f}× server side.",
        "",
        "| | Seed naive | Seed ours | Naive ÷ ours | National naive | National ours | Naive ÷ ours |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    naive_ratios = {}
    for label, side, key in (("Server side, first run", "server", "first"),
                             ("Server side, a new year", "server", "change"),
                             ("Server side, back to a year already seen", "server", "cached"),
                             ("Browser, first chart", "browser", "first"), ("Browser, a new year", "browser", "change")):
        row = [label]
        planned = n if side == "server" else nb
        for db in ("seed", "national"):
            if side == "server":
                naive = server.get(f"naive_{db}", {}).get("naive", {})
                ours = server.get(db, {}).get("overview", {})
            else:
                naive = browser.get(f"naive_{db}", {})
                ours = browser.get(db, {}).get("overview", {})
            r = ratio(median(naive.get(key) or []), median(ours.get(key) or []))
            target = TARGETS[f"naive_{side}"] if db == "national" and key == "change" else None
            if target is not None:
                naive_ratios[side] = r
            row += [_cell(naive, key, planned), _cell(ours, key, planned), _x(r, target, True)]
        lines.append("| " + " | ".join(row) + " |")

    lines += ["", "## Import (libstats.importer: read_file + validate, then apply)", ""]
    import_rates = []
    if all(r.get("unavailable") for r in imports.values()) and imports:
        lines.append(f"Not available yet: {next(iter(imports.values()))['unavailable']}.")
    else:
        lines += [
            "Long CSVs (`month,borough,branch,metric,value`) changing figures already stored. Validate: read and check "
            f"the file; commit: write the figures, their history and the batch. Target: ≥ {TARGETS['import']:,} rows/s.",
            "",
            "× plain load: validate and commit together as a multiple of DuckDB loading the same file into a table "
            "(`insert … select … from read_csv`), measured in the same run (target ≤ 5×).",
            "",
            "| Warehouse | Rows | Validate (s) | Validate rows/s | Commit (s) | Commit rows/s | Both rows/s | × plain load | Runs |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        registers = []
        for db, res in imports.items():
            if res.get("unavailable"):
                lines.append(f"| {db} | | not available yet: {res['unavailable']} | | | | | |")
                continue
            for size, r in res.items():
                if size == "register":
                    registers.append((db, r))
                    continue
                if size == "unavailable":
                    continue
                if r.get("error"):
                    lines.append(f"| {db} | {int(size):,} | error: {r['error'][:80]} | | | | | |")
                    continue
                v, a = median(r.get("validate")), median(r.get("apply"))
                rows = r["rows"]
                both = rows / (v + a) if v and a else None
                if both:
                    import_rates.append(both)
                floor = median(r.get("floor")) if r.get("floor") else None
                times = f"{(v + a) / floor:,.0f}× {'✓' if (v + a) / floor <= 5 else '✗'}" if floor and v and a else ""
                lines.append(f"| {db} | {rows:,} | {_s(r.get('validate'))} | {rows / v:,.0f} | {_s(r.get('apply'))} | "
                             f"{rows / a:,.0f} | {both:,.0f} {'✓' if both >= TARGETS['import'] else '✗'} | {times} | "
                             f"validate {len(r.get('validate', []))}, commit {len(r.get('apply', []))} |")
        for db, r in registers:
            if r.get("error"):
                lines.append(f"\nData-quality register, {db}: error: {r['error'][:120]}")
            else:
                total = r["query"] + r["words"]
                lines.append(f"\nData-quality register, {db} warehouse: {total:.2f} s ({r['query']:.2f} s the "
                             f"quality_flags query, {r['words']:.2f} s the words), {r['flagged']:,} figures flagged "
                             f"(target under 2 s at national scale: {'met' if total < 2 else 'missed'}).")

    lines += ["", "## Board pack (libstats.content.appraisal.build, libstats.report.build_html / build_pdf)", ""]
    if packs and all(p.get("unavailable") for p in packs.values()):
        lines.append(f"Not available yet: {next(iter(packs.values()))['unavailable']}.")
    else:
        lines += ["PDF: printed as the dashboard prints, by a Chromium kept running between packs (report.Printer, "
                  "started when the appraisal page opens). PDF, Chromium started for it: as the command line prints.", "",
                  "| Warehouse | Appraisal (s) | HTML (s) | PDF (s) | PDF, Chromium started for it (s) | HTML size | PDF size |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for db, p in packs.items():
            if p.get("error") and not p.get("html"):
                lines.append(f"| {db} | error: {p['error'][:100]} | | | | | |")
                continue
            size = lambda b: "–" if not b else f"{b / 1e6:.1f} MB"  # noqa: E731
            lines.append(f"| {db} | {_s(p.get('appraisal'))} | {_s(p.get('html'))} | {_s(p.get('pdf'))} | {_s(p.get('pdf_cold'))} | "
                         f"{size(p.get('html_bytes'))} | {size(p.get('pdf_bytes'))} |")

    def worst(db: str, side: dict, key: str, base: float | None) -> tuple[float | None, list[str]]:
        pairs = [(spec.name, ratio(median(side.get(db, {}).get(spec.name, {}).get(key) or []), base)) for spec in PAGES]
        pairs = [(name, r) for name, r in pairs if r is not None]
        return (max(r for _, r in pairs) if pairs else None), [name for name, r in pairs]

    def verdict(value, limit, at_least=False, names=None, side=None, db=None, key=None, base=None):
        if value is None:
            return "–", "not measured"
        met = value >= limit if at_least else value <= limit
        misses = ""
        if names and not met and side is not None:
            over = [n for n in names if (ratio(median(side.get(db, {}).get(n, {}).get(key) or []), base) or 0) > limit]
            misses = " (missed by: " + ", ".join(over) + ")"
        return _x(value), ("met" if met else "missed" + misses)

    rows = []
    for label, db, side, key, base, limit in (
            ("Browser, a new value ÷ floor, seed (worst page)", "seed", browser, "change", fc, TARGETS["browser_change"]),
            ("Browser, a new value ÷ floor, national (worst page)", "national", browser, "change", fc, TARGETS["browser_change"]),
            ("Browser, a value already seen ÷ floor, seed (worst page)", "seed", browser, "seen", fc, TARGETS["browser_seen"]),
            ("Browser, a value already seen ÷ floor, national (worst page)", "national", browser, "seen", fc, TARGETS["browser_seen"]),
            ("Browser first chart in a new tab ÷ floor, seed (worst page)", "seed", browser, "first", ff, TARGETS["browser_first"]),
            ("Browser first chart in a new tab ÷ floor, national (worst page)", "national", browser, "first", ff, TARGETS["browser_first"]),
            ("Server-side control change ÷ floor, seed (worst page; an earlier issue's target)", "seed", server, "change", floor_change, TARGETS["server_seed"]),
            ("Server-side control change ÷ floor, national (worst page; an earlier issue's target)", "national", server, "change", floor_change, TARGETS["server_national"]),
            ("Server-side change to a value already seen ÷ floor, seed (an earlier issue's target)", "seed", server, "cached", floor_change, TARGETS["server_seed"]),
            ("Server-side change to a value already seen ÷ floor, national (an earlier issue's target)", "national", server, "cached", floor_change, TARGETS["server_national"])):
        value, names = worst(db, side, key, base)
        shown, met = verdict(value, limit, names=names, side=side, db=db, key=key, base=base)
        rows.append(f"| {label} | ≤ {limit}× | {shown} | {met} |")
    for side, where in (("browser", "in the browser"), ("server", "server side")):
        shown, met = verdict(naive_ratios.get(side), TARGETS[f"naive_{side}"], at_least=True)
        rows.append(f"| Naive ÷ ours at national scale, a new year, {where} | ≥ {TARGETS[f'naive_{side}']:.0f}× | "
                    f"{shown} | {met} |")
    for db, p in packs.items():
        # The page's button: the appraisal's content is cached by then (ui.computed), so printing is the wait.
        pdf = median(p.get("pdf") or [])
        rows.append(f"| PDF board pack of one year, {db} (from the computed appraisal) | ≤ {TARGETS['pack_pdf_s']:.0f} s | "
                    f"{'–' if pdf is None else f'{pdf:.2f} s'} | "
                    f"{'not measured' if pdf is None else 'met' if pdf <= TARGETS['pack_pdf_s'] else 'missed'} |")
    if sessions.get("p95_ratio") is not None:
        cpu = sessions.get("many", {})
        # The clients saturate: the machine was busy (≥ 80% of every core) and the browsers used more CPU than the server.
        saturated = (cpu.get("machine_busy") or 0) >= 0.8 and cpu.get("client_cpu_per_change", 0) > cpu.get("server_cpu_per_change", 0)
        rows.append(f"| {sessions['many']['sessions']} readers changing the year on the Overview at once (national): "
                    f"p95 ÷ one reader's | ≤ {TARGETS['sessions_p95']:.0f}× where the clients do not saturate | "
                    f"{_x(sessions['p95_ratio'])} (server {cpu.get('server_cpu_per_change', 0):.2f} CPU s, browsers "
                    f"{cpu.get('client_cpu_per_change', 0):.2f} CPU s a change; machine {100 * (cpu.get('machine_busy') or 0):.0f}% busy) | "
                    f"{'met' if sessions['p95_ratio'] <= TARGETS['sessions_p95'] else 'missed: the clients saturate the machine' if saturated else 'missed'} |")
    elif sessions.get("error"):
        rows.append(f"| Readers at once (national) | p95 ≤ {TARGETS['sessions_p95']:.0f}× | error | {sessions['error'][:100]} |")
    rate = min(import_rates) if import_rates else None
    rows.append(f"| Import, rows per second (slowest file) | ≥ {TARGETS['import']:,} | "
                f"{'–' if rate is None else f'{rate:,.0f}'} | "
                f"{'not measured' if rate is None else 'met' if rate >= TARGETS['import'] else 'missed'} |")
    lines[lines.index("## Warehouses"):lines.index("## Warehouses")] = [
        "## Targets", "", "| Target | Limit | Measured | |", "|---|---|---:|---|", *rows, ""]
    if errors:
        lines += ["", "## Errors", ""] + [f"- {db}, {page}: {e}" for db, page, e in errors]
    if ANALYSIS.exists():       # hand-written: what the profiles showed and why a target is missed
        lines += ["", ANALYSIS.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


ANALYSIS = BENCH / "ANALYSIS.md"


# ---------------------------------------------------------------------------------------------- main

def rewrite_report() -> None:
    """RESULTS.md from the figures of the last run, unchanged (only the hand-written analysis may differ)."""
    raw = json.loads((CACHE / "results.json").read_text())
    settings = Settings(raw["settings"]["quick"])
    dbs = {k: {**v, "path": Path(v["path"])} for k, v in raw["dbs"].items()}
    started = time.perf_counter() - raw.get("minutes", 0) * 60
    RESULTS.write_text(report(settings, raw["machine"], dbs, raw["server"], raw["browser"], raw["imports"],
                              raw["packs"], started, raw.get("sessions")), encoding="utf-8")
    log(f"wrote {RESULTS.relative_to(ROOT)} from {CACHE / 'results.json'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: fewer repetitions, cached national build")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-pack", action="store_true")
    parser.add_argument("--skip-sessions", action="store_true", help="leave out eight readers at once (bench/sessions.py)")
    parser.add_argument("--report-only", action="store_true",
                        help="write bench/RESULTS.md again from the last run's figures (bench/.cache/results.json), "
                             "for instance after editing bench/ANALYSIS.md")
    args = parser.parse_args()
    if args.report_only:
        rewrite_report()
        return
    settings = Settings(args.quick)
    started = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)
    env = machine()
    log(f"machine: {env}")

    dbs = {"seed": build_seed(settings)}
    log(f"seed warehouse: {dbs['seed']['rows']}")
    dbs["national"] = build_national_db(settings)
    values, value_files, naive_dirs = {}, {}, {}
    for name, info in dbs.items():
        values[name] = control_values(info["path"])
        value_files[name] = CACHE / f"values_{name}.json"
        value_files[name].write_text(json.dumps(values[name]))
        naive_dirs[name] = CACHE / f"naive_{name}"
        export_csv(info["path"], naive_dirs[name])
    log("CSV files for the naive app written")

    server: dict = {}
    log("server side: floor app")
    server["floor"] = server_side("floor", settings, value_files["seed"])
    for name, info in dbs.items():
        log(f"server side: dashboard on the {name} warehouse")
        server[name] = server_side("dashboard", settings, value_files[name], db=info["path"])
        log(f"server side: naive app on the {name} CSVs")
        server[f"naive_{name}"] = server_side("naive", settings, value_files[name], data=naive_dirs[name])

    browser = {} if args.skip_browser else browser_side(dbs, settings, values, naive_dirs)

    imports: dict = {}
    if not args.skip_import:
        work = Path(tempfile.mkdtemp(prefix="import_", dir=CACHE))
        try:
            for name, sizes in (("seed", [settings.import_sizes[0]]), ("national", list(settings.import_sizes))):
                log(f"import: {name} warehouse, {sizes} rows")
                out = CACHE / f"import_{name}.json"
                out.unlink(missing_ok=True)
                problem = _subprocess([str(BENCH / "importbench.py"), "--db", str(dbs[name]["path"]), "--rows",
                                       ",".join(map(str, sizes)), "--work", str(work), "--out", str(out),
                                       "--reps", str(settings.import_reps), "--warmup", str(settings.warmup),
                                       "--large-reps", str(settings.import_large_reps),
                                       "--budget", str(settings.import_budget)], timeout=900)
                imports[name] = json.loads(out.read_text()) if out.exists() else {
                    "unavailable": None, str(sizes[0]): {"error": problem or "no results"}}
        finally:
            shutil.rmtree(work, ignore_errors=True)

    packs: dict = {}
    if not args.skip_pack:
        for name, info in dbs.items():
            log(f"board pack: {name} warehouse")
            out = CACHE / f"pack_{name}.json"
            out.unlink(missing_ok=True)
            problem = _subprocess([str(BENCH / "packbench.py"), "--db", str(info["path"]), "--fy", FY, "--out", str(out),
                                   "--reps", str(settings.pack_reps), "--warmup", str(settings.warmup),
                                   "--budget", str(settings.pack_budget)], timeout=600)
            packs[name] = json.loads(out.read_text()) if out.exists() else {"error": problem or "no results"}

    sessions: dict = {}
    if not args.skip_sessions and not args.skip_browser:
        log(f"{settings.sessions} readers at once on the national warehouse (bench/sessions.py)")
        out = CACHE / "sessions.json"
        out.unlink(missing_ok=True)
        problem = _subprocess([str(BENCH / "sessions.py"), "--db", str(dbs["national"]["path"]), "--sessions",
                               str(settings.sessions), "--rounds", str(settings.session_rounds), "--json", str(out)],
                              timeout=900)
        sessions = json.loads(out.read_text()) if out.exists() else {"error": problem or "no results"}

    raw = {"minutes": (time.perf_counter() - started) / 60, "settings": vars(settings), "machine": env, "dbs": {k: {**v, "path": str(v["path"])} for k, v in dbs.items()},
           "server": server, "browser": browser, "imports": imports, "packs": packs, "sessions": sessions}
    (CACHE / "results.json").write_text(json.dumps(raw, indent=1, default=str))
    text = report(settings, env, dbs, server, browser, imports, packs, started, sessions)
    RESULTS.write_text(text, encoding="utf-8")
    print()
    print(text)
    log(f"wrote {RESULTS.relative_to(ROOT)} in {(time.perf_counter() - started) / 60:.1f} minutes")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
