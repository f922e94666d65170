"""What the benchmark's parts share: paths, the pages and their main controls, statistics, a live server."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CACHE = BENCH / ".cache"
DASHBOARD = ROOT / "dashboard.py"
FLOOR_APP = BENCH / "floor_app.py"
# The control of the browser targets: the floor with as many elements as the Overview draws, computing nothing.
ELEMENTS_APP = BENCH / "elements_app.py"
CONTROL_ELEMENTS = 50
NAIVE_APP = BENCH / "naive_app.py"
PYTHON = sys.executable
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from libstats.devtools import CHROMIUM, serve  # noqa: E402,F401  (the benchmark's parts import them from here)

FY = "2016-17"                  # every page opens on this year and the whole service
SCOPE = "Whole service"


@dataclass(frozen=True)
class PageSpec:
    """A page of the dashboard and the control a reader changes most on it."""
    name: str
    file: str                    # as dashboard.py lists it
    url_path: str
    control: str                 # the widget's key
    kind: str                    # 'selectbox' or 'radio'
    label: str                   # the widget's label, to find it in the browser
    sidebar: bool = False
    tab: str | None = None       # a tab to open (untimed) before changing the control in the browser


# The main control of each page the benchmark knows; any other page is timed on the sidebar year.
CONTROLS = {
    "overview": dict(control="fy", kind="selectbox", label="Financial year", sidebar=True),
    "year_on_year": dict(control="yoy_measure", kind="selectbox", label="Measure"),
    "branches": dict(control="branch", kind="selectbox", label="Branch"),
    "priorities": dict(control="any_event", kind="selectbox", label="Event", tab="Any event"),
}
YEAR_CONTROL = dict(control="fy", kind="selectbox", label="Financial year", sidebar=True)
PAGE_ENTRY = re.compile(r'st\.Page\(\s*"(pages/([a-z_]+)\.py)"([^)]*)\)')


# Pages with no figure to time: the audit trail needs a signed-in head of service or administrator, and the
# sign-in page is a form.
NOT_TIMED = {"audit", "sign_in"}


def discover_pages() -> tuple[PageSpec, ...]:
    """Every page dashboard.py lists (but NOT_TIMED), in its order, with the URL a link to it uses (the default page: /)."""
    pages, files = [], set()
    for file, name, rest in PAGE_ENTRY.findall(DASHBOARD.read_text(encoding="utf-8")):
        if name in NOT_TIMED or file in files:     # the Overview is listed twice (its hidden /overview twin)
            continue
        files.add(file)
        url = re.search(r'url_path="([^"]*)"', rest)
        default = re.search(r"default=True", rest)
        url_path = "" if default else (url.group(1) if url else name)
        pages.append(PageSpec(name, file, url_path, **CONTROLS.get(name, YEAR_CONTROL)))
    return tuple(pages)


PAGES = discover_pages()
# The floor and the naive app, measured the same ways.
FLOOR = PageSpec("floor", "floor_app.py", "", "choice", "selectbox", "Series")
NAIVE = PageSpec("naive", "naive_app.py", "", "fy", "selectbox", "Financial year", sidebar=True)

MEASURE_CHOICES = ("book_issues", "enquiries", "events", "event_attendance", "requests", "pc_hours_used",
                   "issues_av_e", "website_visits")


def control_values(db_path: Path) -> dict[str, list[tuple[object, str]]]:
    """For each control: values a reader has not chosen yet (value, text shown in the browser), in order.

    Read before any server opens the file (a server holds DuckDB's write lock).
    """
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        years = [r[0] for r in con.execute(
            "select c.fy from monthly_figure f join fy_month c using (month) group by c.fy "
            "having count(distinct f.month) = 12 order by c.fy desc").fetchall()]
        labels = dict(con.execute("select metric, label from metric").fetchall())
        branches = con.execute(
            "select branch, borough from branch where borough in ('Bexley', 'Bromley') "
            "and branch_type <> 'digital' and short_name not like 'Central%' order by borough, branch").fetchall()
    finally:
        con.close()
    # The Priorities page offers the events a before-and-after estimate applies to, as it labels them, and opens
    # on the first.
    from libstats.content import priorities
    from libstats.db import Database
    database = Database(db_path, read_only=True)
    try:
        usable = priorities.event_choices(database.run)[0]
        every = database.run("events_all", borough=None)
    finally:
        database.close()
    by_id = {int(e.event_id): e for e in every.itertuples()}
    measures = [(m, "Book issues" if m == "book_issues" else labels[m]) for m in MEASURE_CHOICES]
    event_choices = [(i, priorities.event_label(by_id[i])) for i in usable[1:]]
    return {
        "fy": [(y, y) for y in years if y != FY],
        "yoy_measure": measures,
        "branch": [(b, f"{borough} · {b}") for b, borough in branches],
        "any_event": event_choices,
        "choice": [(f"Series {i}", f"Series {i}") for i in range(2, 13)],
    }


def series(run_once, reps: int, warmup: int, budget: float, keep_warmup: bool = True) -> tuple[list[float], str | None]:
    """Times of run_once(i) after the warm-up, repeated until reps are done or the time budget is spent.

    When the warm-up run alone takes longer than the budget, the figure gets one run: the warm-up itself
    if keep_warmup (a run whose cost is all data work, such as a first run on an empty cache), else one
    more run after it (when the warm-up also fills a cache the later runs use).
    """
    times: list[float] = []
    for i in range(warmup + reps):
        seconds = run_once(i)
        if i < warmup:
            if seconds > budget:
                if keep_warmup:
                    return [seconds], f"1 run (one takes {seconds:.0f} s, over the {budget:.0f} s budget)"
                return [run_once(i + 1)], f"1 run after the warm-up (over the {budget:.0f} s budget)"
            continue
        times.append(seconds)
        if sum(times) > budget and len(times) < reps:
            return times, f"{len(times)} of {reps} runs (time budget)"
    return times, None


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b in (None, 0) else a / b


def machine() -> dict[str, str]:
    """CPU, cores, memory and versions, for the top of the results."""
    import duckdb
    import pandas
    import plotly
    import streamlit

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    chromium = "missing"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    load = "unknown"
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "Date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "Memory": memory,
        "Load average at start (1, 5, 15 min)": load,
        "Python": sys.version.split()[0],
        "DuckDB": duckdb.__version__,
        "Streamlit": streamlit.__version__,
        "pandas": pandas.__version__,
        "Plotly": plotly.__version__,
        "Chromium": chromium or "unknown",
    }
