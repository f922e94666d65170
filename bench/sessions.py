"""Several people changing the year on the Overview at once, against one `streamlit run` (issue 19).

    python bench/sessions.py [--db PATH] [--sessions 8] [--rounds 5] [--json OUT]

A board meeting: N readers have the Overview open (each a tab of one headless Chromium, so each its own
Streamlit session) and all move to the same financial year at the same moment, a year none of them has
seen, once a round. Each reader's latency runs from its key press to its page redrawn (the later of the
script run ending and the last change to a chart), as bench/browser.py measures one reader's.

The same rounds are first run by one reader alone on a freshly started server, so the two are
comparable: the same years in the same order, each new to the server's caches. Reported: the median
and p95 latency of each, their ratio (target: p95 with N readers ≤ 2× one reader's, where the clients
are not what saturates), and the CPU seconds the server and the browser used per change, read from
/proc, so a reader can tell whether the server or the clients were the bottleneck on this machine.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import QUIET_MS, STATE_JS, TIMEOUT_MS, TRACK_JS, page_url  # noqa: E402
from common import CACHE, CHROMIUM, DASHBOARD, PAGES, control_values, serve  # noqa: E402

from libstats.devtools import CHROMIUM_ARGS  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: set[int]) -> float:
    """User + system CPU seconds of these processes (those still alive)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])     # utime, stime (fields 14 and 15 of stat)
    return total / TICK


def _processes(match) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if match(cmd):
            found.add(int(entry.name))
    return found


def _server_pids(url: str) -> set[int]:
    port = url.rsplit(":", 1)[1]
    return _processes(lambda cmd: "streamlit run" in cmd and f"--server.port {port}" in cmd)


def _browser_pids() -> set[int]:
    """Every Chromium process (the browser and its renderers); the caller keeps those that appeared after its launch."""
    return _processes(lambda cmd: "chrom" in cmd.split(" ", 1)[0])


async def _ready(page) -> None:
    await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
    await page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=TIMEOUT_MS)
    await page.wait_for_selector(".js-plotly-plot .main-svg", timeout=TIMEOUT_MS)


async def _change_year(page, text: str) -> float:
    """Choose the sidebar's financial year shown as text; seconds from the key press to the page redrawn."""
    await page.evaluate(TRACK_JS)
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Financial year").first
    await box.click()
    await page.keyboard.type(text)
    await page.keyboard.press("Enter")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        s = await page.evaluate(STATE_JS)
        ended = [t for t in (s["done"], s["plot"]) if t is not None]
        if s["start"] is not None and ended and s["state"] == "notRunning" and not s["skeleton"]:
            last = max(ended)
            if s["now"] - last >= QUIET_MS:
                break
        if time.monotonic() > deadline:
            raise TimeoutError(f"no rerun finished after choosing {text!r}")
        await asyncio.sleep(0.05)
    shown = await box.locator("input").input_value()
    if shown != text and not shown.startswith(text + " ("):   # a year may read "2017-18 (modelled)"
        raise RuntimeError(f"the year shows {shown!r} after choosing {text!r}")
    return (last - s["start"]) / 1000


async def _phase(db: Path, sessions: int, years: list[str], log_path: Path) -> dict:
    """A fresh server; `sessions` readers open the Overview, then all change to each year in turn."""
    from playwright.async_api import async_playwright

    overview = next(p for p in PAGES if p.name == "overview")
    with serve(DASHBOARD, {"LIBSTATS_DB": str(db)}, log_path) as base:
        server = _server_pids(base)
        async with async_playwright() as pw:
            before = _browser_pids()
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                pages = []
                for _ in range(sessions):
                    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = await context.new_page()
                    await page.goto(page_url(base, overview), wait_until="commit", timeout=TIMEOUT_MS)
                    pages.append(page)
                await asyncio.gather(*(_ready(p) for p in pages))
                await asyncio.sleep(1)
                latencies, server_cpu, client_cpu, walls = [], 0.0, 0.0, []
                clients = _browser_pids() - before      # ours, renderers included (other Chromiums started since may add)
                for year in years:
                    s0, c0, w0 = _cpu_seconds(server), _cpu_seconds(clients), time.monotonic()
                    latencies += await asyncio.gather(*(_change_year(p, year) for p in pages))
                    walls.append(time.monotonic() - w0)
                    server_cpu += _cpu_seconds(server) - s0
                    client_cpu += _cpu_seconds(clients) - c0
            finally:
                await browser.close()
    changes = sessions * len(years)
    return {"sessions": sessions, "years": years, "latencies": latencies,
            "median": statistics.median(latencies), "p95": _p95(latencies),
            "server_cpu_per_change": server_cpu / changes, "client_cpu_per_change": client_cpu / changes,
            "server_cpu_share": server_cpu / sum(walls) if walls else None,
            # the share of the machine's CPU the server and the browsers used while the changes ran
            "machine_busy": (server_cpu + client_cpu) / (sum(walls) * (os.cpu_count() or 1)) if walls else None}


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def run(db: Path, sessions: int, rounds: int) -> dict:
    years = [text for _, text in control_values(db)["fy"]][:rounds]
    if len(years) < 2:
        raise SystemExit(f"{db} has fewer than two complete years besides the opening one")
    with tempfile.TemporaryDirectory() as tmp:
        one = asyncio.run(_phase(db, 1, years, Path(tmp) / "one.log"))
        many = asyncio.run(_phase(db, sessions, years, Path(tmp) / "many.log"))
    return {"one": one, "many": many, "p95_ratio": many["p95"] / one["p95"], "cores": os.cpu_count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=CACHE / "national.duckdb",
                        help="the warehouse (default: the national one `make bench` builds in bench/.cache)")
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5, help="years changed to, each new to the server")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db} does not exist: run `make bench` (it builds the national warehouse) or pass --db")
    result = run(args.db, args.sessions, args.rounds)
    one, many = result["one"], result["many"]
    print(f"{'':>22} {'median s':>9} {'p95 s':>7} {'server CPU s/change':>20} {'browser CPU s/change':>21}")
    for name, r in (("1 reader", one), (f"{many['sessions']} readers at once", many)):
        print(f"{name:>22} {r['median']:9.2f} {r['p95']:7.2f} {r['server_cpu_per_change']:20.3f} "
              f"{r['client_cpu_per_change']:21.3f}")
    print(f"p95 with {many['sessions']} readers ÷ one reader's: {result['p95_ratio']:.2f}× (target ≤ 2×) "
          f"on {result['cores']} cores")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
