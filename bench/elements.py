"""Issue 19's browser targets against a control: the floor, and the floor with a page's worth of elements.

    python bench/elements.py [--reps N] [--counts 0,25,50]

Serves bench/elements_app.py with BENCH_ELEMENTS set to each count and times it in Chromium exactly as the
benchmark times a page (first chart, a new value, a value already seen), beside the floor in the same run.
A page that computes nothing but draws as many elements as a dashboard page shows the part of that page's time
that is Streamlit's own cost of its elements (bench/ANALYSIS.md).
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser as b  # noqa: E402
from common import BENCH, CACHE, FLOOR, FLOOR_APP  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--counts", default="0,25,50")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    CACHE.mkdir(parents=True, exist_ok=True)
    texts = {"choice": [f"Series {i}" for i in range(2, 13)]}
    rows = []
    with sync_playwright() as p:
        chromium = b.launch(p)
        try:
            runs = [("floor", FLOOR_APP, {})] + [(f"floor + {n} elements", BENCH / "elements_app.py",
                                                   {"BENCH_ELEMENTS": str(n)}) for n in map(int, args.counts.split(","))]
            for name, app, env in runs:
                out = b.measure_app(chromium, app, env, [FLOOR], texts, args.reps, 1, 30.0,
                                    CACHE / "elements.log", lambda *_: None)["floor"]
                rows.append((name, *(statistics.median(out[k]) for k in ("first", "change", "seen"))))
        finally:
            chromium.close()
    _, ff, fc, _ = rows[0]
    # as the benchmark does, a value seen is divided by the floor's change (the floor has nothing to cache)
    print("| App | First chart (s) | ÷ floor | A new value (s) | ÷ floor | A value seen (s) | ÷ floor's change |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, first, change, seen in rows:
        print(f"| {name} | {first:.2f} | {first / ff:.2f}× | {change:.2f} | {change / fc:.2f}× | {seen:.2f} | {seen / fc:.2f}× |")


if __name__ == "__main__":
    main()
