"""Narrow screens in Chromium: at 320, 800, 960 (a 1920 screen at 200% zoom) and 1024 px nothing is cut off.

Cut off: an element that hides what overflows it (overflow hidden or clip, or text-overflow: ellipsis) with its
text wider than itself (a tile ending "2,11…", a label "Active borro…", a switch "Li…"), or a chart's SVG
text reaching past the chart (Plotly never wraps an SVG title).
"""
from __future__ import annotations

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser

WIDTHS = [320, 800, 960, 1024]

# Everything in the main block that holds text, and the chart text named in svgParts; returns what is cut.
CUT = """(svgParts) => {
  const found = [];
  const main = document.querySelector('[data-testid=stMain]');
  const hides = s => s.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(s.overflowX);
  const holders = [...main.querySelectorAll('*')].filter(e => !e.closest('svg, [data-testid=stDataFrame], [data-testid=stTooltipContent]')
      && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
  for (const e of holders) {
    if (!e.getClientRects().length) continue;                       // not rendered (closed expander, other tab)
    for (let a = e, depth = 0; a && a !== main && depth < 6; a = a.parentElement, depth++) {
      const s = getComputedStyle(a);
      const r = a.getBoundingClientRect();
      if (r.width <= 1 && r.height <= 1 || s.clipPath !== 'none' && s.clipPath !== '') break;   // visually hidden on purpose
      if (hides(s) && a.scrollWidth > a.clientWidth + 1) { found.push(`${a.tagName.toLowerCase()}: “${e.textContent.trim().slice(0, 60)}” (${a.scrollWidth} px in ${a.clientWidth})`); break; }
    }
  }
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const svg = plot.querySelector('.main-svg'); if (!svg) continue;
    const box = svg.getBoundingClientRect();
    for (const t of plot.querySelectorAll(svgParts)) {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1))
        found.push(`chart text: “${t.textContent.slice(0, 60)}” (${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)} px in a ${Math.round(box.width)} px chart)`);
    }
  }
  return [...new Set(found)];
}
"""

# Every chart text: titles (if one were drawn in the SVG), legends, axis titles, notes, bar labels and ticks.
# At 320 px a chart is drawn 28rem wide in a box that scrolls sideways (APP_CSS), so all of it must fit too.
SVG_TEXT = ".gtitle, .legendtext, .xtitle, .ytitle, .annotation-text, .bartext, .xtick text, .ytick text"

# A legend inside its chart, below the chart's title (the title is text above the chart: see ui.chart).
LEGEND_ON_TITLE = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
    const svg = plot.querySelector('.main-svg').getBoundingClientRect();
    const legend = plot.querySelector('.legend'); if (!legend) return [];
    const box = legend.getBoundingClientRect();
    const wrapper = plot.closest('[data-testid=stElementContainer]');
    let title = wrapper && wrapper.previousElementSibling;
    const titleBox = title && title.matches('[class*=st-key-charttitle_]') ? title.getBoundingClientRect() : null;
    const svgTitle = plot.querySelector('.gtitle');
    const overlaps = (a, b) => a && b && a.top < b.bottom - 1 && b.top < a.bottom - 1 && a.left < b.right && b.left < a.right;
    const out = [];
    if (box.top < svg.top - 1) out.push(`legend above its chart (${box.top} < ${svg.top})`);
    if (overlaps(box, titleBox)) out.push('legend over the chart title');
    if (svgTitle && overlaps(box, svgTitle.getBoundingClientRect())) out.push('legend over the SVG title');
    return out.map(o => `${o}: ${plot.closest('[data-testid=stElementContainer]')?.className || ''}`);
})"""


def check_nothing_is_cut(page, where: str, width: int) -> None:
    page.wait_for_function("[...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg .cartesianlayer'))",
                           timeout=60_000)
    assert page.locator(".js-plotly-plot").count() >= 1, f"{where}: no chart drawn"
    assert page.locator('[class*="st-key-charttitle_"]').count() >= 1, f"{where}: no chart title"
    cut = page.evaluate(CUT, SVG_TEXT)
    assert cut == [], f"{where} at {width} px cuts off: {cut}"
    assert page.evaluate(LEGEND_ON_TITLE) == [], where


def choose_measure(page, label: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text="Measure").first.click()
    page.keyboard.type(label)                     # the list is long: typing narrows it to the one wanted
    page.get_by_role("option", name=label, exact=True).click()
    page.wait_for_function(f"[...document.querySelectorAll('h2')].some(h => h.textContent.startsWith({label + ':'!r}))",
                           timeout=30_000)
    wait_for_app(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_tile_label_or_chart_title_is_cut_at_narrow_widths(live_server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for path in ("?fy=2016-17&scope=Bromley", "appraisal?fy=2016-17", "year_on_year?fy=2016-17&scope=Bromley",
                     "peers"):
            page.goto(f"{live_server}/{path}")
            wait_for_app(page)
            check_nothing_is_cut(page, f"/{path}", width)
            if not path.startswith(("appraisal", "peers")):       # these have tables and charts, not tiles
                assert page.locator('[data-testid="stMetric"]').count() >= 3, f"/{path}: the tiles are missing"
        # Year on year's other kinds of tile: an annual measure (one tile a borough) and money.
        page.goto(f"{live_server}/year_on_year?fy=2016-17&scope=Whole%20service")
        wait_for_app(page)
        for label in ("Active borrowers", "Total revenue expenditure"):
            choose_measure(page, label)
            check_nothing_is_cut(page, f"/year_on_year, {label}", width)
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert values and all(v.startswith("£") and "…" not in v for v in values), values
    finally:
        context.close()


@pytest.mark.parametrize("width", [800, 960, 1024])
def test_the_sidebar_takes_at_most_a_quarter_of_a_narrow_screen(live_server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/?fy=2016-17&scope=Bromley")
        wait_for_app(page)
        sidebar = page.get_by_test_id("stSidebar")
        if sidebar.is_visible():
            assert sidebar.bounding_box()["width"] <= width * 0.27, sidebar.bounding_box()
        assert page.get_by_test_id("stMain").bounding_box()["width"] >= width * 0.72
    finally:
        context.close()
