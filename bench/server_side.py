"""Server-side timings with streamlit.testing.v1.AppTest, in a process of their own per database.

    python bench/server_side.py --app dashboard --db PATH --values JSON --out JSON [--reps N] [--warmup N]
    python bench/server_side.py --app floor|naive [--data DIR] --values JSON --out JSON

For every page: the first run on an empty data cache (st.cache_data and the pages' computed content
cleared, the connection kept, as in a server process that has served someone else, after one untimed
run that imports the modules), a rerun after the page's main control changes to a
value not chosen before (its queries run), and a rerun after it changes between two values already
chosen (every query answered from the cache). Times are wall-clock seconds of `AppTest.run()`. Each
figure is repeated after a warm-up until its repetitions are done or its time budget is spent.

Nothing is worked out ahead here (LIBSTATS_PREWARM=0): these figures are each page's own work for a value, and the
dashboard's background thread working out every year's appraisal would run beside the timed reruns (the browser
figures, made against `streamlit run` as deployed, keep it).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DASHBOARD, FLOOR, FLOOR_APP, FY, NAIVE, NAIVE_APP, PAGES, SCOPE, PageSpec, series  # noqa: E402

TIMEOUT = 300


def _problems(at) -> str | None:
    if at.exception:
        return "exception: " + at.exception[0].message
    if at.error:
        return "error: " + str(at.error[0].value)
    return None


def _widget(at, spec: PageSpec):
    return at.selectbox(key=spec.control) if spec.kind == "selectbox" else at.radio(key=spec.control)


def _clear_computed() -> None:
    """Empty the dashboard's page-content cache (ui.computed) too, so a first run computes everything."""
    ui = sys.modules.get("libstats.ui")
    if ui is not None:
        ui._computed.clear()


def _timed_run(at) -> float:
    started = time.perf_counter()
    at.run(timeout=TIMEOUT)
    return time.perf_counter() - started


def measure(app: Path, spec: PageSpec, page_file: str | None, values: list, reps: int, warmup: int,
            query_params: dict[str, str], budget: float) -> dict:
    """First runs, changes to new values and changes to cached values of one page."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    out: dict = {"first": [], "change": [], "cached": [], "error": None, "notes": {}}
    state: dict = {}

    def first(i: int) -> float:
        st.cache_data.clear()
        _clear_computed()
        at = AppTest.from_file(str(app), default_timeout=TIMEOUT)
        for key, value in query_params.items():
            at.query_params[key] = value
        if page_file:
            at.switch_page(page_file)
        if spec.tab:          # a page's tabs run only when open: key "<page>_tab" (see pages/priorities.py)
            at.session_state[f"{spec.name}_tab"] = spec.tab
        seconds = _timed_run(at)
        if problem := _problems(at):
            raise RuntimeError(f"first run: {problem}")
        state["at"] = at
        return seconds

    def change(i: int) -> float:
        at = state["at"]
        _widget(at, spec).set_value(values[i])
        seconds = _timed_run(at)
        if problem := _problems(at):
            raise RuntimeError(f"change to {values[i]!r}: {problem}")
        return seconds

    def cached(i: int) -> float:
        # back and forth between two values already chosen: every query is answered from the cache
        at = state["at"]
        value = state["seen"][i % 2]
        _widget(at, spec).set_value(value)
        seconds = _timed_run(at)
        if problem := _problems(at):
            raise RuntimeError(f"change back to {value!r}: {problem}")
        return seconds

    try:
        if len(values) < warmup + reps:
            raise RuntimeError(f"{spec.control} has only {len(values)} new values; {warmup + reps} are needed")
        first(-1)     # untimed: the process's first run also imports pandas, Plotly and the pages' modules
        out["first"], out["notes"]["first"] = series(first, reps, warmup, budget)
        original = _widget(state["at"], spec).value
        out["change"], out["notes"]["change"] = series(change, reps, warmup, budget)
        state["seen"] = [original, values[0]]
        out["cached"], out["notes"]["cached"] = series(cached, reps, warmup, budget)
    except Exception as exc:  # one page failing must not stop the benchmark: the table says so
        out["error"] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", choices=["dashboard", "floor", "naive"], required=True)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--data", type=Path, help="the naive app's CSV folder")
    parser.add_argument("--values", type=Path, required=True, help="JSON: control key -> new values")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--budget", type=float, default=15.0, help="seconds of timed runs per figure")
    args = parser.parse_args()
    values = {k: [v for v, _ in pairs] for k, pairs in json.loads(args.values.read_text()).items()}
    params = {"fy": FY, "scope": SCOPE}
    results = {}
    if args.app == "dashboard":
        os.environ["LIBSTATS_DB"] = str(args.db)
        os.environ["LIBSTATS_PREWARM"] = "0"
        wanted = [p for p in PAGES if not args.pages or p.name in args.pages.split(",")]
        for spec in wanted:
            results[spec.name] = measure(DASHBOARD, spec, spec.file, values[spec.control], args.reps, args.warmup,
                                         params, args.budget)
            print(f"  server side {spec.name}: {results[spec.name]}", file=sys.stderr, flush=True)
    elif args.app == "floor":
        results["floor"] = measure(FLOOR_APP, FLOOR, None, values["choice"], args.reps, args.warmup, {}, args.budget)
    else:
        os.environ["NAIVE_DATA_DIR"] = str(args.data)
        results["naive"] = measure(NAIVE_APP, NAIVE, None, values["fy"], args.reps, args.warmup, params, args.budget)
    args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
