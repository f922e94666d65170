"""Profile one page's rerun with pyinstrument, the way the benchmark times it.

    python bench/profile_page.py PAGE [--db PATH] [--what change|cached|first] [--out FILE.html]

Opens PAGE (a name from dashboard.py, e.g. year_on_year) on 2016-17 and the whole service, changes its
main control once to warm the caches, then profiles the run asked for: `change` (a value not chosen
before), `cached` (back to a value already chosen) or `first` (a fresh session on an empty data cache).
Prints the call tree to the terminal; --out also writes pyinstrument's HTML.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DASHBOARD, FY, PAGES, SCOPE, control_values  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", choices=[p.name for p in PAGES])
    parser.add_argument("--db", type=Path, help="the warehouse (default: LIBSTATS_DB or data/library.duckdb)")
    parser.add_argument("--what", choices=["change", "cached", "first"], default="change")
    parser.add_argument("--out", type=Path, help="also write pyinstrument's HTML here")
    args = parser.parse_args()
    if args.db:
        os.environ["LIBSTATS_DB"] = str(args.db)
    import streamlit as st
    from pyinstrument import Profiler
    from streamlit.testing.v1 import AppTest

    from libstats.db import db_path

    spec = next(p for p in PAGES if p.name == args.page)
    values = [v for v, _ in control_values(db_path())[spec.control]]

    def open_page() -> AppTest:
        at = AppTest.from_file(str(DASHBOARD), default_timeout=300)
        at.query_params["fy"], at.query_params["scope"] = FY, SCOPE
        at.switch_page(spec.file)
        return at

    def widget(at):
        return at.selectbox(key=spec.control) if spec.kind == "selectbox" else at.radio(key=spec.control)

    # AppTest runs the script in a thread of its own: profile inside that thread.
    from streamlit.runtime.scriptrunner import script_runner
    profiler = Profiler(interval=0.001)
    armed = {"on": False}
    original_run = script_runner.ScriptRunner._run_script

    def profiled_run(self, rerun_data):
        if not armed["on"]:
            return original_run(self, rerun_data)
        profiler.start()
        try:
            return original_run(self, rerun_data)
        finally:
            profiler.stop()

    script_runner.ScriptRunner._run_script = profiled_run

    at = open_page()
    at.run()
    original = widget(at).value
    widget(at).set_value(values[0]).run()            # warm-up change
    if args.what == "first":
        st.cache_data.clear()
        at = open_page()
        armed["on"] = True
        at.run()
    elif args.what == "cached":
        armed["on"] = True
        widget(at).set_value(original).run()
    else:
        armed["on"] = True
        widget(at).set_value(values[1]).run()
    if at.exception:
        raise SystemExit(f"the page failed: {at.exception[0].message}")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.out:
        args.out.write_text(profiler.output_html())


if __name__ == "__main__":
    main()
