"""Browser timings: Debian's Chromium driven by Playwright against `streamlit run` on a loopback port.

First chart: from the start of navigation (the page's own clock, performance.now()) to the moment a
Plotly chart is drawn (`.js-plotly-plot .main-svg`) with the app no longer running its script, each
time in a new tab of one browser context (a new Streamlit session; the browser's HTTP cache and the
server's data cache are warm after the warm-up, which opens every page once).

Control change: from the key press or click that changes the control to the later of the script run
ending and the last change to a chart's DOM, measured in the page by mutation observers, after the
page has been quiet for 0.4 s. It runs in the last tab the first-chart timing opened.

Seen value: the same, changing back and forth between values that session has already chosen (the one the page
opened on and the first new one), so the queries and the page's content come from the server's caches and what
is left is the rerun, the messages and the browser's redrawing.
"""
from __future__ import annotations

import time
import traceback
from pathlib import Path

from common import FY, SCOPE, PageSpec, series, serve

TIMEOUT_MS = 180_000
QUIET_MS = 400

FIRST_CHART_JS = """
(() => {
  const marks = {};
  window.__bench = marks;
  const check = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    if (state === 'notRunning' && !document.querySelector('[data-testid="stSkeleton"]')) {
      if (marks.idle === undefined || marks.state !== 'notRunning') marks.idle = performance.now();
    }
    marks.state = state;
    if (marks.chart !== undefined) return;
    if (document.querySelector('.js-plotly-plot .main-svg') && state === 'notRunning') marks.chart = performance.now();
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true,
                                                 attributeFilter: ['data-test-script-state', 'class']});
})();
"""
# A page with no chart (the Data page) is timed to its script finishing, once nothing has changed for 3 s.
NO_CHART_QUIET_MS = 2000

TRACK_JS = """
() => {
  window.__chg = {start: null, running: null, done: null, plot: null};
  if (window.__chgInstalled) return;
  window.__chgInstalled = true;
  const app = document.querySelector('[data-testid="stApp"]');
  const trigger = (e) => { if (e.type === 'click' || e.key === 'Enter') window.__chg.start = performance.now(); };
  document.addEventListener('keydown', trigger, true);
  document.addEventListener('click', trigger, true);
  new MutationObserver(() => {
    const c = window.__chg;
    if (c.start === null) return;
    const s = app.getAttribute('data-test-script-state');
    if (s === 'running' && c.running === null) c.running = performance.now();
    if (s === 'notRunning') c.done = performance.now();
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  new MutationObserver((records) => {
    const c = window.__chg;
    if (c.start === null) return;
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (el && el.closest && el.closest('.js-plotly-plot')) { c.plot = performance.now(); break; }
    }
  }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}
"""

STATE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {now: performance.now(), state: app && app.getAttribute('data-test-script-state'),
          skeleton: !!document.querySelector('[data-testid="stSkeleton"]'), ...window.__chg};
}
"""


def page_url(base: str, spec: PageSpec) -> str:
    path = f"/{spec.url_path}" if spec.url_path else "/"
    return f"{base}{path}?fy={FY}&scope={SCOPE.replace(' ', '%20')}"


def _wait_ready(page, charted: bool = True) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
    page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=TIMEOUT_MS)
    if charted:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=TIMEOUT_MS)
    else:
        page.wait_for_timeout(NO_CHART_QUIET_MS)


def first_chart(context, url: str, reps: int, warmup: int, budget: float) -> tuple[list[float], bool, object, str | None]:
    """Seconds from navigation to the first chart drawn with the script finished, whether a chart was drawn,
    the last tab (left open for the control changes) and a note if the time budget cut the runs short.

    One browser context (its HTTP cache, like a returning reader's browser), a new tab and so a new
    Streamlit session each time.
    """
    state: dict = {"charted": True, "page": None}

    def load(i: int) -> float:
        if state["page"] is not None:
            state["page"].close()
        page = state["page"] = context.new_page()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(
            "window.__bench && (window.__bench.chart !== undefined || (window.__bench.idle !== undefined"
            f" && window.__bench.state === 'notRunning' && performance.now() - window.__bench.idle > {NO_CHART_QUIET_MS}))",
            timeout=TIMEOUT_MS)
        if page.get_by_text("Sorry, this page could not be shown").count():
            raise RuntimeError("the page shows its error message")
        marks = page.evaluate("window.__bench")
        state["charted"] = marks.get("chart") is not None
        return (marks["chart"] if state["charted"] else marks["idle"]) / 1000

    times, note = series(load, reps, warmup, budget, keep_warmup=False)
    return times, state["charted"], state["page"], note


def _control(page, spec: PageSpec):
    scope = page.get_by_test_id("stSidebar") if spec.sidebar else page
    return scope.get_by_test_id("stSelectbox").filter(has_text=spec.label).first


def _change(page, spec: PageSpec, text: str) -> float:
    """Change the control to the option shown as text; seconds until the app has redrawn."""
    page.evaluate(TRACK_JS)
    box = _control(page, spec)
    box.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        s = page.evaluate(STATE_JS)
        ended = [t for t in (s["done"], s["plot"]) if t is not None]
        if s["start"] is not None and ended and s["state"] == "notRunning" and not s["skeleton"]:
            last = max(ended)
            if s["now"] - last >= QUIET_MS:
                break
        if time.monotonic() > deadline:
            raise TimeoutError(f"no rerun finished after changing {spec.control} to {text!r}")
        time.sleep(0.05)
    shown = box.locator("input").input_value()
    if shown != text and not shown.startswith(text + " ("):   # a year may read "2017-18 (modelled)"
        raise RuntimeError(f"{spec.control} shows {shown!r} after choosing {text!r}")
    return (last - s["start"]) / 1000


def control_change(page, spec: PageSpec, texts: list[str], reps: int, warmup: int, budget: float,
                   charted: bool = True) -> tuple[list[float], str | None]:
    """Seconds from changing the page's main control to the chart redrawn, in one session, a new value each time."""
    if len(texts) < warmup + reps:
        raise RuntimeError(f"{spec.control} has only {len(texts)} new values")
    _wait_ready(page, charted)
    if spec.tab:           # opening a tab reruns the page (only the open tab runs): wait for it
        page.get_by_role("tab", name=spec.tab).click()
        page.wait_for_timeout(300)
        _wait_ready(page, charted)
    opened = _control(page, spec).locator("input").input_value()
    page.evaluate(f"window.__opened = {opened!r}")      # for seen_change: the value the page opened on
    # every change is to a new value, so a slow warm-up change is as good a figure as the next one
    return series(lambda i: _change(page, spec, texts[i]), reps, warmup, budget, keep_warmup=True)


def seen_change(page, spec: PageSpec, seen: list[str], reps: int, budget: float) -> tuple[list[float], str | None]:
    """Seconds from changing the control to a value this session has already chosen (so the server's caches
    hold it) to the chart redrawn: back and forth between the values in seen, never the one shown."""
    def once(i: int) -> float:
        shown = _control(page, spec).locator("input").input_value()
        choices = [t for t in seen if shown != t and not shown.startswith(t + " (")]
        return _change(page, spec, choices[i % len(choices)])
    return series(once, reps, 0, budget, keep_warmup=False)


def prewarm(context, urls: list[str]) -> None:
    """The warm-up: open every page at once in throwaway tabs of the measuring context, untimed.

    The server's first (cold-cache) runs overlap, and the context's HTTP cache holds the app's scripts,
    so each page's timed loads all come after a warm-up.
    """
    pages = []
    for url in urls:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        pages.append(page)
    for page in pages:
        try:
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
            page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=TIMEOUT_MS)
        except Exception:  # a page that fails shows up in its own timing
            pass
        finally:
            page.close()


def measure_app(browser, app: Path, env: dict[str, str], specs: list[PageSpec], texts: dict[str, list[str]],
                reps: int, warmup: int, budget: float, log_path: Path, progress=print) -> dict:
    """One server and one browser context for the app; for each page, first-chart and control-change times.

    The warm-up of the first-chart timings is prewarm() (every page once); the control changes have
    their own warm-up change.
    """
    results = {}
    with serve(app, env, log_path) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(FIRST_CHART_JS)
        try:
            prewarm(context, [page_url(base, spec) for spec in specs])
            for spec in specs:
                out = {"first": [], "change": [], "seen": [], "error": None, "chart": True, "notes": {}}
                page = None
                try:
                    out["first"], out["chart"], page, out["notes"]["first"] = first_chart(
                        context, page_url(base, spec), reps, 0, budget)
                    out["change"], out["notes"]["change"] = control_change(
                        page, spec, texts[spec.control], reps, warmup, budget, out["chart"])
                    # the value the page opened on and the first new one are both in the caches now
                    # (a control that opened empty, the Priorities' event, has only the values chosen since)
                    changed = texts[spec.control][:len(out["change"]) + (0 if out["notes"]["change"] else warmup)]
                    seen = [t for t in dict.fromkeys([page.evaluate("window.__opened").split(" (")[0], *changed]) if t]
                    out["seen"], out["notes"]["seen"] = seen_change(page, spec, seen[-2:], reps, budget)
                except Exception as exc:  # the table shows the failure; the run goes on
                    out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
                    traceback.print_exc()
                finally:
                    if page is not None:
                        page.close()
                results[spec.name] = out
                progress(f"  browser {spec.name}: {out}")
        finally:
            context.close()
    return results


def launch(playwright):
    from libstats.devtools import launch_chromium
    return launch_chromium(playwright)
