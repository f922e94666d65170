"""Readable everywhere, in Chromium: contrast of chart text and captions, the focus ring, page titles."""
from __future__ import annotations

import re

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser


def luminance(colour: str) -> float:
    """WCAG relative luminance of a CSS rgb()/rgba() or #rrggbb colour."""
    if colour.startswith("#"):
        channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [float(x) for x in re.findall(r"[\d.]+", colour)[:3]]
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_helper_matches_the_published_ratios():
    assert round(contrast("#808495", "#ffffff"), 2) == 3.72
    assert round(contrast("rgb(0, 0, 0)", "#ffffff"), 1) == 21.0


def test_chart_text_and_captions_are_at_least_4_5_to_1(live_server, page):
    page.goto(f"{live_server}/?fy=2015-16&scope=Bexley")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg .xtick text", timeout=60_000)
    fills = page.evaluate("""() => [...document.querySelectorAll(
        '.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .xtitle, .js-plotly-plot .ytitle, .js-plotly-plot .gtitle, .js-plotly-plot .legendtext')]
        .map(t => getComputedStyle(t).fill)""")
    assert len(fills) > 10
    for fill in set(fills):
        assert contrast(fill, "#ffffff") >= 4.5, fill
    captions = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stCaptionContainer]')]
        .map(c => [getComputedStyle(c).color, getComputedStyle(c.closest('[data-testid=stSidebar]') || document.body).backgroundColor])""")
    assert captions
    for colour, background in captions:
        background = "#ffffff" if background in ("rgba(0, 0, 0, 0)", "transparent") else background
        assert contrast(colour, background) >= 4.5, (colour, background)
    marks = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .scatterlayer .js-line')]
        .map(l => getComputedStyle(l).stroke)""")
    for stroke in set(marks):
        assert contrast(stroke, "#ffffff") >= 3, stroke


def test_a_radio_reached_by_keyboard_shows_a_focus_ring_of_3_to_1(live_server, page):
    page.goto(f"{live_server}/?fy=2015-16&scope=Bexley")
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("radio", name="Bexley").focus()
    page.keyboard.press("ArrowDown")          # by keyboard, so :focus-visible applies (it also picks Bromley)
    wait_for_app(page)
    style = page.evaluate("""() => { const input = document.activeElement; const label = input.closest('label');
        const s = getComputedStyle(label); return [input.type, s.outlineStyle, s.outlineWidth, s.outlineColor,
        getComputedStyle(document.querySelector('[data-testid=stSidebar]')).backgroundColor]; }""")
    kind, outline, width, colour, background = style
    assert kind == "radio" and outline == "solid" and float(width.removesuffix("px")) >= 2, style
    assert contrast(colour, background) >= 3 and contrast(colour, "#ffffff") >= 3, style


PAGES = {"": "Overview", "overview": "Overview", "appraisal": "Annual appraisal", "year_on_year": "Year on year",
         "branches": "Branches", "priorities": "Priorities", "value_for_money": "Value for money", "peers": "Peers",
         "data": "Data", "sign_in": "Sign in"}


def test_every_page_has_its_own_title_and_no_heading_level_is_skipped(live_server, page):
    for path, title in PAGES.items():
        page.goto(f"{live_server}/{path}?fy=2015-16&scope=Bexley")
        wait_for_app(page)
        page.wait_for_function(f"document.title.startsWith({title!r})", timeout=30_000)
        assert page.title() == f"{title} · Bexley & Bromley Libraries"
        levels = [int(t[1]) for t in page.evaluate(
            "[...document.querySelectorAll('[data-testid=stMain] :is(h1,h2,h3,h4,h5,h6)')].map(h => h.tagName)")]
        assert levels and levels[0] == 1, (path, levels)
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"/{path} skips a heading level: {levels}"


CUT_TEXT = """() => [...document.querySelectorAll('[data-testid=stMetric] .stMarkdownEllipsis, [data-testid=stMain] :is(h1, h2, h3)')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth)
    .map(e => e.textContent)"""


@pytest.mark.parametrize("width", [800, 320])
def test_no_tile_or_heading_is_cut_off_on_a_narrow_screen(live_server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for path in ("?fy=2015-16&scope=Bexley", "appraisal?fy=2015-16"):
            page.goto(f"{live_server}/{path}")
            wait_for_app(page)
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
            assert page.evaluate(CUT_TEXT) == [], f"/{path} at {width} px"
        page.goto(f"{live_server}/?fy=2015-16&scope=Bexley")
        wait_for_app(page)
        assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "1,024,069"
    finally:
        context.close()
