"""Board-pack timings: the year's appraisal from the warehouse, then the HTML and the PDF pack.

    python bench/packbench.py --db PATH --fy 2016-17 --out JSON [--reps N] [--warmup N] [--no-pdf]

Uses libstats.content.appraisal.build and libstats.report.build_html / build_pdf as `python -m libstats report`
does; says why if they are not there yet.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402,F401  (puts the repository on sys.path)


def available() -> str | None:
    try:
        from libstats import report
        from libstats.content import appraisal
    except ImportError as exc:
        return f"libstats.report cannot be imported ({exc})"
    missing = [f"report.{f}" for f in ("build_html", "build_pdf") if not hasattr(report, f)]
    missing += [] if hasattr(appraisal, "build") else ["appraisal.build"]
    return f"no {', '.join(missing)}" if missing else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--fy", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--budget", type=float, default=20.0, help="stop repeating once the runs took this long")
    args = parser.parse_args()
    results: dict = {"unavailable": available(), "appraisal": [], "html": [], "pdf": [], "pdf_cold": [], "error": None,
                     "html_bytes": None, "pdf_bytes": None}
    if results["unavailable"] is None:
        from libstats import report
        from libstats.content import appraisal
        from libstats.db import Database
        database = Database(args.db, read_only=True)
        # pdf: as the dashboard prints, with Chromium kept running (its Printer, warmed when the page opens);
        # pdf_cold: as the command line prints, starting Chromium for the pack and closing it after.
        printer = None if args.no_pdf else report.Printer()
        try:
            spent = 0.0
            for i in range(args.warmup + args.reps):
                if i > args.warmup and spent > args.budget:
                    results["note"] = f"{i - args.warmup} of {args.reps} runs (time budget)"
                    break
                started = time.perf_counter()
                year = appraisal.build(database.run, args.fy)
                built = time.perf_counter()
                page = report.build_html(year, {})
                html_done = time.perf_counter()
                if i >= args.warmup:
                    results["appraisal"].append(built - started)
                    results["html"].append(html_done - built)
                    spent += html_done - started
                results["html_bytes"] = len(page.encode("utf-8"))
                if not args.no_pdf:
                    for key, kept in (("pdf", printer), ("pdf_cold", None)):
                        started = time.perf_counter()
                        pdf = report.build_pdf(year, {}, printer=kept)
                        if i >= args.warmup:
                            results[key].append(time.perf_counter() - started)
                            spent += results[key][-1]
                    results["pdf_bytes"] = len(pdf)
        except Exception as exc:
            traceback.print_exc()
            results["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        finally:
            if printer is not None:
                printer.close()
            database.close()
    args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
