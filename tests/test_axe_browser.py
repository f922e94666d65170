"""axe-core (WCAG 2.2 A and AA rules) on every page, tab and meeting mode, and the contrast of chart SVG, which axe skips.

axe-core comes inside the pinned axe-playwright-python package (axe 4.12.1): nothing is downloaded at run time.
"""
from __future__ import annotations

import re

import pytest

from tests.conftest import wait_for_app
from tests.test_readable_browser import contrast

pytestmark = pytest.mark.browser

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
         "resultTypes": ["violations"], "ancestry": True}

# What Streamlit draws and the project cannot change, matched narrowly: the rule and the element it is about.
# Named in the README's accessibility section.
FRAMEWORK = {
    ("list", "ul[data-testid=stSidebarNavItems]"):
        "Streamlit's page navigation: its list holds a <div> around the section heading",
    ("listitem", "ul[data-testid=stSidebarNavItems] > div > li, ul[data-testid=stSidebarNavItems] li"):
        "Streamlit's page navigation: its links' <li> sit in that <div>, not in the list itself",
    ("scrollable-region-focusable", "[data-testid=stTable] > div"):
        "Streamlit's table wrapper scrolls a wide table sideways at 320 px with no tabindex (Chromium lets the "
        "keyboard scroll it anyway)",
}

# Every page, with each tab of the pages that have them, and meeting mode.
VIEWS = [
    ("", None), ("appraisal", None),
    ("year_on_year", "Month by month"), ("year_on_year", "Across the years"), ("year_on_year", "Branches"),
    ("year_on_year", "In proportion"),
    ("branches", None),
    ("priorities", "The new Crayford Library"), ("priorities", "Bromley Central Library"),
    ("priorities", "Management system and funding"), ("priorities", "The shared service"), ("priorities", "Any event"),
    ("value_for_money", None), ("peers", None),
    ("data", "Import"), ("data", "Import history"), ("data", "Data quality"), ("data", "Export"),
    ("appraisal?meeting=on", None), ("appraisal?meeting=on&section=4", None), ("?meeting=on", None),
]


# Tables (st.table) and grids (st.dataframe) a screen reader cannot name: no aria-label, caption or labelled region.
UNNAMED_TABLES = """() => [
    ...[...document.querySelectorAll('[data-testid=stMain] [data-testid=stTable] table')]
        .filter(t => !t.getAttribute('aria-label') && !t.querySelector('caption')),
    ...[...document.querySelectorAll('[data-testid=stMain] [data-testid=stDataFrame]')]
        .filter(g => !g.querySelector('[role=region][aria-label]'))]
    .map(t => t.textContent.slice(0, 80))"""


def open_view(page, base: str, path: str, tab: str | None) -> None:
    joiner = "&" if "?" in path else "?"
    page.goto(f"{base}/{path}{joiner}fy=2015-16&scope=Bexley")
    wait_for_app(page)
    if tab:
        page.get_by_role("tab", name=tab, exact=True).click()
        page.wait_for_selector(f'[role=tab][aria-selected=true]:has-text("{tab}")', timeout=30_000)
        wait_for_app(page)
    # Charts drawn (axe checks what is on the page, so wait for it all to be there).
    page.wait_for_function("[...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))",
                           timeout=60_000)
    assert not page.get_by_text("Sorry, this page could not be shown").count(), (path, tab)


def scan(page) -> tuple[list[str], list[str], list[str]]:
    """(ours: serious or critical, Streamlit's own, ours: moderate or minor) as 'rule impact: element' lines."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page, options=RULES).response
    ours, framework, lesser = [], [], []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            selector = node["target"][-1] if isinstance(node["target"][-1], str) else " ".join(node["target"][-1])
            path = node.get("ancestry", [selector])[-1]
            line = f"{violation['id']} ({node.get('impact') or violation['impact']}): {node['html'][:140]}"
            known = next((why for (rule, matches), why in FRAMEWORK.items() if rule == violation["id"] and page.evaluate(
                "([path, matches]) => { const e = document.querySelector(path); return !!e && e.matches(matches); }",
                [path, matches])), None)
            if known:
                framework.append(f"{line}  [{known}]")
            elif (node.get("impact") or violation["impact"]) in ("serious", "critical"):
                ours.append(line)
            else:
                lesser.append(line)
    return ours, framework, lesser


def test_the_scan_reports_pale_text_as_ours(live_server, page):
    """The scan is live: text made pale on purpose is reported as ours."""
    open_view(page, live_server, "", None)
    page.evaluate("document.querySelector('[data-testid=stMain] h1').style.color = '#bbbbbb'")
    ours, _, _ = scan(page)
    assert any(v.startswith("color-contrast (serious)") and "at a glance" in v for v in ours), ours


def test_every_page_tab_and_meeting_mode_has_no_serious_or_critical_violation(live_server, page, capsys):
    failures, framework_seen = {}, {}
    for path, tab in VIEWS:
        open_view(page, live_server, path, tab)
        ours, framework, lesser = scan(page)
        where = f"/{path}" + (f" [{tab}]" if tab else "")
        if not path.startswith("data"):           # the Data page's tables are the sign-in work's (#16), for now
            ours += [f"a table without an accessible name: {t}" for t in page.evaluate(UNNAMED_TABLES)]
        if ours:
            failures[where] = ours
        for line in framework:
            framework_seen.setdefault(re.sub(r' class="[^"]*"', "", line), []).append(where)
        with capsys.disabled():
            for line in lesser:
                print(f"\naxe, moderate or minor, {where}: {line}")
    with capsys.disabled():
        print("\naxe: Streamlit's own markup, not the project's (README, Accessibility):")
        for line, wheres in framework_seen.items():
            print(f"  {line}  ({len(wheres)} elements on {len(set(wheres))} views)")
    assert not failures, failures


def _fills(page) -> dict:
    """Every text fill and every mark colour of every chart on the page, with its background."""
    return page.evaluate("""() => {
        const colour = (e, prop) => {
            let c = getComputedStyle(e)[prop];
            const m = c && c.match(/url\\(["']?#([^"')]+)/);
            if (m) { const rect = document.getElementById(m[1])?.querySelector('rect'); c = rect ? getComputedStyle(rect).fill : c; }
            return c;
        };
        const out = {text: [], marks: []};
        for (const plot of document.querySelectorAll('.js-plotly-plot')) {
            const bg = getComputedStyle(plot.querySelector('.main-svg')).backgroundColor;
            for (const t of plot.querySelectorAll('.main-svg text')) {
                if (!t.textContent.trim() || !t.getClientRects().length) continue;
                out.text.push([t.textContent.slice(0, 40), colour(t, 'fill'), getComputedStyle(t).fillOpacity, bg]);
            }
            for (const l of plot.querySelectorAll('.scatterlayer .js-line'))
                out.marks.push(['line', colour(l, 'stroke'), getComputedStyle(l).strokeOpacity, bg]);
            for (const p of plot.querySelectorAll('.scatterlayer .point')) {
                const filled = colour(p, 'fill');
                const none = !filled || filled === 'none' || getComputedStyle(p).fillOpacity === '0';
                out.marks.push(['marker', none ? colour(p, 'stroke') : filled,
                                none ? getComputedStyle(p).strokeOpacity : getComputedStyle(p).fillOpacity, bg]);
            }
            for (const b of plot.querySelectorAll('.barlayer .point path'))
                out.marks.push(['bar', colour(b, 'fill'), getComputedStyle(b).fillOpacity, bg]);
        }
        return out;
    }""")


def _solid(colour: str, background: str) -> bool:
    return bool(colour) and colour != "none" and "url(" not in colour and background not in ("", "none")


@pytest.mark.parametrize("path,tab", [("", None), ("year_on_year", "Branches"), ("year_on_year", "Across the years"),
                                      ("peers", None), ("appraisal", None), ("value_for_money", None)])
def test_chart_text_is_4_5_to_1_and_marks_3_to_1_on_the_chart_background(live_server, page, path, tab):
    open_view(page, live_server, path, tab)
    page.wait_for_selector(".js-plotly-plot .main-svg text", timeout=60_000)
    found = _fills(page)
    assert len(found["text"]) > 10 and found["marks"], found
    background = lambda bg: "#ffffff" if bg in ("rgba(0, 0, 0, 0)", "transparent") else bg  # noqa: E731
    low_text = [(text, fill, opacity) for text, fill, opacity, bg in found["text"]
                if not _solid(fill, background(bg)) or float(opacity) < 1 or contrast(fill, background(bg)) < 4.5]
    assert not low_text, f"/{path}: chart text below 4.5:1 (or faded): {low_text[:8]}"
    low_marks = [(kind, fill, opacity) for kind, fill, opacity, bg in found["marks"]
                 if _solid(fill, background(bg)) and float(opacity) >= 0.99 and contrast(fill, background(bg)) < 3]
    faded = [(kind, fill, opacity) for kind, fill, opacity, _ in found["marks"] if float(opacity) < 0.99]
    assert not low_marks and not faded, f"/{path}: marks below 3:1 on the background: {(low_marks + faded)[:8]}"


def test_the_peer_chart_tells_our_boroughs_apart_by_more_than_colour(live_server, page):
    open_view(page, live_server, "peers", None)
    page.wait_for_selector(".js-plotly-plot .barlayer .point path", timeout=60_000)
    bars = page.evaluate("""() => { const plot = document.querySelector('.js-plotly-plot');
        const names = [...plot.querySelectorAll('.ytick text')].map(t => t.textContent);
        const fills = [...plot.querySelectorAll('.barlayer .point path')].map(p => getComputedStyle(p).fill);
        return [names, fills]; }""")
    names, fills = bars
    ours = [i for i, n in enumerate(names) if n.startswith("◆ ")]
    assert {names[i].removeprefix("◆ ") for i in ours} == {"Bexley", "Bromley"}, names
    assert all("url(" in fills[i] for i in ours), "our bars are hatched (a pattern), not colour alone"
    assert all("url(" not in f for i, f in enumerate(fills) if i not in ours)
    for fill in {f for i, f in enumerate(fills) if i not in ours}:
        assert contrast(fill, "#ffffff") >= 3, f"a peer's bar is {fill}, below 3:1 on white"


@pytest.mark.parametrize("path", ["?fy=2016-17&scope=Bromley", "appraisal?fy=2016-17", "year_on_year?fy=2016-17", "peers"])
def test_at_320_px_there_is_no_serious_or_critical_violation(live_server, browser, path, capsys):
    context = browser.new_context(viewport={"width": 320, "height": 900})
    page = context.new_page()
    try:
        open_view(page, live_server, path, None)
        ours, framework, _ = scan(page)
        with capsys.disabled():
            for line in sorted(set(framework)):
                print(f"\naxe at 320 px, Streamlit's own, /{path}: " + re.sub(r' class="[^"]*"', "", line))
        assert not ours, ours
    finally:
        context.close()
