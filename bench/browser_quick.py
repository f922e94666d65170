"""A quick look at the browser timings of a few pages against the floor, on the seed (not the benchmark).

    python bench/browser_quick.py [PAGE ...] [--reps N] [--db PATH]

Prints the floor's and each page's first-chart, control-change and seen-value seconds (medians) and their ratios:
for checking a change to one page in a minute, before running `make bench`.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser as b  # noqa: E402
from common import CACHE, DASHBOARD, FLOOR, FLOOR_APP, PAGES, control_values  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="page names (default: all)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--db", type=Path, default=CACHE / "seed.duckdb")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    CACHE.mkdir(parents=True, exist_ok=True)
    if not args.db.exists():
        from libstats.build import build
        build(args.db)
    texts = {k: [t for _, t in v] for k, v in control_values(args.db).items()}
    specs = [p for p in PAGES if not args.pages or p.name in args.pages]
    with sync_playwright() as p:
        chromium = b.launch(p)
        try:
            floor = b.measure_app(chromium, FLOOR_APP, {}, [FLOOR], texts, args.reps, 1, 30.0,
                                  CACHE / "quick_floor.log", lambda *_: None)["floor"]
            ours = b.measure_app(chromium, DASHBOARD, {"LIBSTATS_DB": str(args.db)}, specs, texts, args.reps, 1, 30.0,
                                 CACHE / "quick_dashboard.log", lambda *_: None)
        finally:
            chromium.close()
    ff, fc = statistics.median(floor["first"]), statistics.median(floor["change"])
    print(f"{'floor':16s} first {ff:5.2f} s   change {fc:5.2f} s   seen {statistics.median(floor['seen']):5.2f} s")
    for name, out in ours.items():
        if out.get("error"):
            print(f"{name:16s} {out['error']}")
            continue
        first, change, seen = (statistics.median(out[k]) for k in ("first", "change", "seen"))
        print(f"{name:16s} first {first:5.2f} s ({first / ff:4.2f}×)   change {change:5.2f} s ({change / fc:4.2f}×)"
              f"   seen {seen:5.2f} s ({seen / fc:4.2f}×)")


if __name__ == "__main__":
    main()
