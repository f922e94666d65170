"""Meeting mode in Chromium: what a board member sees on the projector, every section of every year."""
from __future__ import annotations

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser

ERROR = "Sorry, this page could not be shown"


def seeded_years(seed_db) -> list[str]:
    from libstats import db
    database = db.Database(seed_db, read_only=True)
    try:
        return list(database.run("financial_years", borough=None)["fy"])
    finally:
        database.close()


def assert_drawn_without_error(page, where: str) -> None:
    wait_for_app(page)
    assert not page.get_by_text(ERROR).count(), f"{where}: the error box is shown"
    assert not page.locator('[data-testid="stException"]').count(), f"{where}: an exception is shown"
    charts = page.locator(".js-plotly-plot")
    if charts.count():
        page.wait_for_function(
            "[...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))",
            timeout=30_000)


def assert_fits_the_screen(page, where: str) -> None:
    """Nothing to scroll: the main block and the document are no taller than the window."""
    page.wait_for_timeout(200)
    heights = page.evaluate("""() => { const m = document.querySelector('[data-testid=stMain]');
        return [m.scrollHeight, m.clientHeight, document.scrollingElement.scrollHeight, innerHeight]; }""")
    assert heights[0] <= heights[1] + 4 and heights[2] <= heights[3] + 4, f"{where} scrolls: {heights}"


def test_meeting_mode_steps_through_every_appraisal_section_of_every_year(live_server, seed_db, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    bars_seen = 0
    try:
        for fy in seeded_years(seed_db):
            page.goto(f"{live_server}/appraisal?fy={fy}&scope=Whole%20service&meeting=on")
            assert_drawn_without_error(page, f"{fy} section 1")
            assert_fits_the_screen(page, f"{fy} section 1")
            where = page.get_by_text(f"Annual appraisal {fy} · section 1 of", exact=False)
            where.wait_for(timeout=60_000)
            assert where.count() == 1, f"{fy}: the section counter is missing"
            total = int(where.inner_text().split(" of ")[1].split()[0])
            assert total >= 5
            for step in range(2, total + 1):
                page.keyboard.press("ArrowRight")
                page.get_by_text(f"Annual appraisal {fy} · section {step} of {total}", exact=False).wait_for(
                    timeout=30_000)
                assert_drawn_without_error(page, f"{fy} section {step}")
                assert_fits_the_screen(page, f"{fy} section {step}")
                bars_seen += page.locator(".js-plotly-plot .barlayer .point").count() > 0
            assert f"section={total}" in page.url
    finally:
        context.close()
    assert bars_seen, "no section drew a bar chart: the crash on bar charts would go unnoticed"


@pytest.mark.parametrize("path,tab", [
    ("peers", None),
    ("year_on_year", "Branches"),
    ("priorities", None),
    ("value_for_money", None),
])
def test_meeting_mode_draws_the_bar_charts_of_every_page(live_server, browser, path, tab):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/{path}?fy=2015-16&scope=Bexley&meeting=on")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        assert_drawn_without_error(page, path)
        if tab:
            page.get_by_role("tab", name=tab).click()
            wait_for_app(page)
            page.wait_for_selector(".js-plotly-plot .barlayer .point", timeout=30_000)
            assert_drawn_without_error(page, f"{path}, {tab}")
        assert page.locator(".js-plotly-plot").count() >= 1
        if path in ("peers", "year_on_year"):
            assert page.locator(".js-plotly-plot .barlayer .point").count() > 0, f"{path}: no bar was drawn"
        assert not page.get_by_test_id("stSidebar").is_visible(), "meeting mode hides the sidebar"
    finally:
        context.close()


def _meeting_page(browser, width=1280, height=720):
    return browser.new_context(viewport={"width": width, "height": height})


def _font_px(locator) -> float:
    return float(locator.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))


@pytest.mark.parametrize("meeting", ["on", None])
def test_tile_values_are_at_least_twice_their_labels_size(live_server, browser, meeting):
    context = _meeting_page(browser)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/?fy=2015-16&scope=Bexley" + ("&meeting=on" if meeting else ""))
        wait_for_app(page)
        value = page.locator('[data-testid="stMetricValue"] p').first
        label = page.locator('[data-testid="stMetricLabel"] p').first
        assert _font_px(value) >= 2 * _font_px(label), (_font_px(value), _font_px(label))
    finally:
        context.close()


def test_every_section_fits_a_1280x720_screen_and_the_last_offers_the_pack(live_server, browser):
    context = _meeting_page(browser)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/appraisal?fy=2015-16&scope=Whole%20service&meeting=on")
        assert_drawn_without_error(page, "section 1")
        for step in range(1, 6):
            if step == 5:                    # the last step by keyboard on the Next button itself
                page.get_by_role("button", name="Next").focus()
                page.keyboard.press("Enter")
            elif step > 1:
                page.keyboard.press("ArrowRight")
            if step > 1:
                page.get_by_text(f"section {step} of 5", exact=False).first.wait_for(timeout=30_000)
                assert_drawn_without_error(page, f"section {step}")
                page.locator('[aria-live="polite"]').filter(has_text=f"Section {step} of 5").first.wait_for(
                    timeout=30_000)
            assert_fits_the_screen(page, f"section {step}")
            assert page.locator('[aria-live="polite"]').filter(has_text=f"Section {step} of 5").count() == 1
            if step in (1, 4, 5):            # the tables that carry the argument are on the screen
                assert page.locator('[data-testid="stTable"]').count() >= 1, f"section {step} lost its table"
        # The Next button is now "Back to the start": still a working control, and the focus stayed on it.
        focused = page.evaluate("[document.activeElement.tagName, document.activeElement.disabled, document.activeElement.innerText]")
        assert focused[0] == "BUTTON" and focused[1] is False and "Back to the start" in focused[2], focused
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the board pack (HTML, 2015-16)").click()
        assert download.value.suggested_filename == "appraisal_2015-16.html"
        assert "meeting=on" in page.url
        page.keyboard.press("ArrowLeft")
        page.get_by_text("section 4 of 5", exact=False).first.wait_for(timeout=30_000)
        page.keyboard.press("Escape")
        page.wait_for_function("!location.search.includes('meeting=on')", timeout=30_000)
    finally:
        context.close()


def test_the_key_number_of_the_value_for_money_chart_is_a_sentence_with_the_number(live_server, browser):
    context = _meeting_page(browser)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/appraisal?fy=2015-16&meeting=on&section=4")
        wait_for_app(page)
        assert page.locator("h3").first.inner_text().startswith("Net cost per visit in 2015-16: Bexley £4.32 and Bromley £4.67")
    finally:
        context.close()


@pytest.mark.parametrize("section", ["abc", "1.5"])
def test_a_bad_section_in_the_link_shows_section_one_with_a_note(live_server, page, section):
    page.goto(f"{live_server}/appraisal?fy=2015-16&meeting=on&section={section}")
    wait_for_app(page)
    assert not page.get_by_text(ERROR).count()
    assert page.locator("h2").first.inner_text() == "1. Summary"
    assert page.get_by_text(f"There is no section “{section}” in this appraisal: showing section 1.").count() == 1


def test_overview_has_its_own_address(live_server, page):
    page.goto(f"{live_server}/overview?fy=2015-16&scope=Bexley")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Bexley: 2015-16 at a glance"
    assert not page.get_by_text("Page not found").count()
