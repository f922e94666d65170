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


def test_meeting_mode_steps_through_every_appraisal_section_of_every_year(live_server, seed_db, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    bars_seen = 0
    try:
        for fy in seeded_years(seed_db):
            page.goto(f"{live_server}/appraisal?fy={fy}&scope=Whole%20service&meeting=on")
            assert_drawn_without_error(page, f"{fy} section 1")
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
