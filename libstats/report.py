"""The board pack: the annual appraisal as one self-contained HTML file, and that same HTML printed to an
A4 PDF by Chromium. No Streamlit.

One layout for both formats: `templates/pack.html.j2` (Jinja2, autoescaped) with `templates/pack.css`, whose
print rules (A4 pages, page numbers, repeated table headings, numbers that never wrap) make the PDF.
Chromium draws the live Plotly charts in the page and prints it through Playwright; nothing is downloaded.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import io
import logging
import queue
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2
import markupsafe
import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from libstats import appraisal, formats
from libstats.devtools import CHROMIUM, CHROMIUM_ARGS  # Debian's, as the browser tests drive it

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
TITLE = "Bexley and Bromley Libraries: annual appraisal {fy}"
MODELLED_NOTE = ("Published figures come from the CIPFA returns (2015-16 for both boroughs, 2016-17 for Bexley) and are "
                 "reproduced exactly; every other figure, and every split of a published total by month or branch, is "
                 "a modelled estimate.")
# A4 less the @page side margins of pack.css (14 mm each), in CSS pixels: the charts are drawn this wide.
PRINT_WIDTH_PX = round((210 - 2 * 14) / 25.4 * 96)
PRINT_TIMEOUT_S = 60
PRINT_CHART_SCALE = 0.65
NUMBER = re.compile(r"^([£+\-−]?\d[\d,]*(\.\d+)?%?(\s[◐◆])?|—)$")     # a figure (its provenance mark), or the dash
# plotly.js's basic bundle (npm's plotly.js-basic-dist-min at plotly.py's own plotly.js version, see
# `make vendor-plotly`): bar, pie and scatter, all the pack draws, and Chromium runs it in a sixth of the time.
PLOTLY_BASIC = Path(__file__).with_name("vendor") / "plotly-basic.min.js"
BASIC_TRACES = {"bar", "pie", "scatter"}
DRAWN = "[...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg .cartesianlayer'))"

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _css_string(text: str) -> markupsafe.Markup:
    """Text as a CSS string inside <style>: escaped for CSS (quotes, backslashes, '<'), so not for HTML."""
    return markupsafe.Markup('"' + re.sub(r'[\\"<>\n]', lambda m: f"\\{ord(m[0]):x} ", str(text)) + '"')


TEMPLATES.filters["css_string"] = _css_string
HYPHENATED = re.compile(r"[^\s<>]*\w-\w[^\s<>]*")


def _unbroken(text: object) -> markupsafe.Markup:
    """Text, escaped, with every hyphenated word kept on one line ("2014-15", "like-for-like" never split)."""
    return markupsafe.Markup(HYPHENATED.sub(lambda m: f'<span class="nb">{m[0]}</span>', str(markupsafe.escape(text))))


TEMPLATES.filters["unbroken"] = _unbroken


class PackError(RuntimeError):
    """The pack could not be made; the message is a plain sentence for the reader."""


def _progress(progress: Progress | None, fraction: float, what: str) -> None:
    if progress:
        progress(fraction, what)


@dataclass
class Cell:
    text: str
    numeric: bool


def _texts(column: pd.Series) -> list[str]:
    """A column as it is read: thousands separators, the decimals the column needs, nothing for a gap."""
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        return ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in column]
    values = column.dropna()
    decimals = 0 if values.empty or (values == values.round()).all() else \
        1 if (values.round(1) == values.round(2)).all() else 2
    return ["" if pd.isna(v) else formats.number(v, decimals) for v in column]


def _grid(name: str, table: pd.DataFrame) -> dict:
    """A table for the template: its caption, headings and cells, with the numbers marked (right, unbroken)."""
    columns = [_texts(table[c]) for c in table.columns]
    numeric = [[bool(NUMBER.match(t)) for t in texts] for texts in columns]
    rows = [[Cell(columns[c][r], numeric[c][r]) for c in range(len(columns))] for r in range(len(table))]
    heads = [{"name": str(name_), "numeric": bool(flags) and all(f or not t for f, t in zip(flags, texts))}
             for name_, flags, texts in zip(table.columns, numeric, columns)]
    return {"name": name, "columns": heads, "rows": rows, "size": "wide" if len(heads) > 6 else ""}


def plotly_js(report: appraisal.Appraisal) -> str:
    """The smallest plotly.js that draws every chart of the pack (the full one if a chart needs more)."""
    traces = {trace.type for section in report.sections for _, figure, _, _ in section.charts for trace in figure.data}
    return PLOTLY_BASIC.read_text(encoding="utf-8") if traces <= BASIC_TRACES else get_plotlyjs()


def _sized(figure, scale: float):
    """The figure, or a copy `scale` times as tall (on paper a chart shares its page with the text).

    Bar charts shrink less, and name every bar: left to itself Plotly drops every other name when short.
    """
    kinds = {trace.type for trace in figure.data}
    if scale == 1.0 or not kinds <= {"scatter", "bar"}:
        return figure
    spec = figure.to_dict()
    spec["layout"]["height"] = round((figure.layout.height or 450) * (max(scale, 0.8) if "bar" in kinds else scale))
    for trace in figure.data:
        if trace.type == "bar":
            spec["layout"].setdefault("yaxis" if trace.orientation == "h" else "xaxis", {})["dtick"] = 1
    return spec


def _render(report: appraisal.Appraisal, commentary: dict[str, str] | None, progress: Progress | None,
            plotly_src: str | None = None, chart_scale: float = 1.0) -> str:
    commentary = commentary or {}
    sections = []
    for i, section in enumerate(report.sections):
        _progress(progress, 0.9 * i / len(report.sections), f"Writing {section.title}")
        charts = [{"div": pio.to_html(_sized(figure, chart_scale), full_html=False, include_plotlyjs=False,
                                      div_id=key, config={"displaylogo": False, "responsive": True}),
                   "summary": summary,
                   "data": _grid(f"The numbers behind: {figure.layout.title.text or summary}", data)}
                  for key, figure, summary, data in section.charts]
        sections.append({"key": section.key, "title": section.title, "sentences": section.sentences,
                         "commentary": commentary.get(section.key, ""), "charts": charts,
                         "tables": [_grid(name, table) for name, table in section.tables]})
    title = TITLE.format(fy=report.fy)
    return TEMPLATES.get_template("pack.html.j2").render(
        title=title, footer=f"{title} · page", built=f"{dt.date.today():%d %B %Y}", modelled_note=MODELLED_NOTE,
        sections=sections, plotly_src=plotly_src, plotly_js=None if plotly_src else plotly_js(report))


def build_html(report: appraisal.Appraisal, commentary: dict[str, str] | None = None,
               progress: Progress | None = None) -> str:
    """One HTML file with plotly.js inside it once, so it opens from an email on an offline laptop."""
    content = _render(report, commentary, progress)
    _progress(progress, 1.0, "HTML pack ready")
    return content


class Printer:
    """Chromium kept running between PDF packs, so a pack after the first costs its drawing and printing, not
    Chromium's start (about 1.3 s of the 3.4 s a pack took). Playwright's sync API belongs to the thread that
    started it, so the browser lives on a thread of its own and each print is handed to it.

    The dashboard holds one per process beside the database connection (ui.printer, a cached resource) and
    warms it when the appraisal page opens; the command line and the tests print with a fresh one, closed after.
    A browser that has died is started again on the next print.
    """

    def __init__(self) -> None:
        self._thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="libstats-printer")
        self._playwright = None
        self._browser = None

    def warm(self) -> concurrent.futures.Future:
        """Start Chromium now, in the background (a reader on the appraisal page may ask for a pack)."""
        return self._thread.submit(self._quietly_started)

    def submit(self, page_ready: concurrent.futures.Future, titles: dict[str, str], progress: Progress):
        return self._thread.submit(self._print, page_ready, titles, progress)

    def close(self) -> None:
        """Close Chromium and the thread (waits for a print under way)."""
        self._thread.submit(self._stop)
        self._thread.shutdown(wait=True)

    # On the printer's thread only:

    def _quietly_started(self) -> None:
        try:
            self._started()
        except Exception:        # a print says why, in a sentence; warming is only a head start
            log.info("Chromium could not be started ahead of a PDF pack", exc_info=True)

    def _started(self):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise PackError("PDF packs need Playwright: install the requirements (pip install -r requirements.txt).") from None
        if not Path(CHROMIUM).exists():        # asked each time: a running browser does not outlive its removal
            raise PackError(f"PDF packs are printed by Chromium, which is not installed here ({CHROMIUM}): "
                            "install Debian's chromium package.")
        if self._browser is None or not self._browser.is_connected():
            self._stop()
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        return self._browser

    def _stop(self) -> None:
        for close in (getattr(self._browser, "close", None), getattr(self._playwright, "stop", None)):
            with contextlib.suppress(Exception):
                if close:
                    close()
        self._browser = self._playwright = None

    def _print(self, page_ready: concurrent.futures.Future, titles: dict[str, str], progress: Progress) -> bytes:
        """Open the page in Chromium, wait for every chart, print; then write the contents' page numbers and print again."""
        _progress(progress, 0.15, "Starting Chromium")
        browser = self._started()
        context = browser.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
        try:
            page = context.new_page()
            page.set_default_timeout(PRINT_TIMEOUT_S * 1000)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())                         # nothing from the network, ever
            page.emulate_media(media="print")                     # charts drawn at the printed width
            _progress(progress, 0.3, "Drawing the charts")
            page.goto(page_ready.result(timeout=PRINT_TIMEOUT_S).as_uri())
            page.wait_for_function(DRAWN)
            _progress(progress, 0.8, "Printing")
            options = {"prefer_css_page_size": True, "print_background": True, "outline": True, "tagged": True}
            first = page.pdf(**options)
            starts = _section_pages(first, titles)
            page.evaluate("starts => { for (const [key, n] of Object.entries(starts))"
                          " document.querySelector(`.contents .page[data-section='${key}']`).textContent = n; }",
                          starts)
            _progress(progress, 0.95, "Numbering the contents")
            return page.pdf(**options)
        finally:
            with contextlib.suppress(Exception):
                context.close()


def build_pdf(report: appraisal.Appraisal, commentary: dict[str, str] | None = None,
              progress: Progress | None = None, printer: Printer | None = None) -> bytes:
    """The HTML pack printed to A4 by Chromium: contents with page numbers, numbered pages, vector charts.

    printer: a running Printer to print with (the dashboard's); without one, Chromium is started for this pack
    and closed after. Raises PackError, with a sentence a reader can act on, when Chromium cannot print it.
    """
    titles = {s.key: s.title for s in report.sections}
    own = printer is None
    printer = printer or Printer()
    with tempfile.TemporaryDirectory(prefix="libstats-pack-") as tmp:
        page_ready: concurrent.futures.Future[Path] = concurrent.futures.Future()
        steps: queue.Queue[tuple[float, str]] = queue.Queue()   # progress is told on this thread (Streamlit's)
        work = printer.submit(page_ready, titles, lambda f, w: steps.put((f, w)))  # Chromium starts meanwhile
        try:
            try:
                folder = Path(tmp)
                # plotly.js as a file beside the page, not inline: Chromium compiles it while the page is read.
                (folder / "plotly.min.js").write_text(plotly_js(report), encoding="utf-8")
                page = folder / "pack.html"
                page.write_text(_render(report, commentary, lambda f, w: _progress(progress, 0.1 * f, w), "plotly.min.js",
                                        PRINT_CHART_SCALE), encoding="utf-8")
                page_ready.set_result(page)
            except BaseException as exc:
                page_ready.set_exception(exc)
                raise
            try:
                deadline = time.monotonic() + PRINT_TIMEOUT_S + 30
                while not work.done() and time.monotonic() < deadline:
                    with contextlib.suppress(queue.Empty):
                        _progress(progress, *steps.get(timeout=0.05))
                content = work.result(timeout=0)
                _progress(progress, 1.0, "PDF pack ready")
                return content
            except PackError:
                raise
            except concurrent.futures.TimeoutError:
                raise PackError(f"Chromium did not print the PDF pack within {PRINT_TIMEOUT_S} seconds; "
                                "try again, or build the HTML pack and print that.") from None
            except Exception as exc:
                log.exception("printing the PDF pack failed")
                raise PackError("Chromium could not print the PDF pack; the HTML pack has the same content "
                                "and prints the same way from a browser.") from exc
        finally:
            if own:
                printer.close()


def _section_pages(pdf: bytes, titles: dict[str, str]) -> dict[str, int]:
    """The page each section starts on, from the PDF's outline (Chromium makes one from the headings)."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages: dict[str, int] = {}

    def walk(entries) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                pages.setdefault(str(entry.title).strip(), reader.get_destination_page_number(entry) + 1)
    walk(reader.outline)
    return {key: pages[title] for key, title in titles.items() if title in pages}
