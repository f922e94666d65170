"""The real thing: `streamlit run` on a loopback port, opened in Debian's Chromium."""
from __future__ import annotations

import pytest

from tests.conftest import sign_in_in_browser, wait_for_app

pytestmark = pytest.mark.browser


def tile(page, label: str):
    """The headline tile whose label is exactly this text."""
    return page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).first


def test_overview_in_chromium_shows_the_published_bexley_figures(live_server, page):
    page.goto(f"{live_server}/?fy=2015-16&scope=Bexley")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    visits = tile(page, "Visits")
    assert visits.locator('[data-testid="stMetricValue"]').inner_text() == "1,024,069"
    assert visits.locator('[data-testid="stMetricDelta"]').inner_text().strip() == "-4.3% on 2014-15 (down, worse)"
    issues = tile(page, "Book issues")
    assert issues.locator('[data-testid="stMetricValue"]').inner_text() == "781,565"
    assert issues.locator('[data-testid="stMetricDelta"]').inner_text().strip() == "-6.6% on 2014-15 (down, worse)"
    assert "Visits down 4.3% on 2014-15 (1,024,069 in 2015-16)" in chart_titles(page)


def test_changing_scope_in_the_sidebar_reruns_the_whole_app(live_server, page):
    page.goto(f"{live_server}/?fy=2015-16&scope=Bexley")
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_text("Bromley", exact=True).click()
    page.wait_for_function(
        "document.querySelector('h1') && document.querySelector('h1').innerText.startsWith('Bromley')",
        timeout=30_000)
    wait_for_app(page)
    value = tile(page, "Visits").locator('[data-testid="stMetricValue"]')
    assert value.inner_text() == "1,321,413"
    assert "scope=Bromley" in page.url


CHART_TITLE = '[class*="st-key-charttitle_"] p'       # a chart's title is text above it (ui.chart)


def chart_titles(page):
    return [t.text_content() for t in page.locator(CHART_TITLE).all()]


def test_a_link_to_a_page_works_as_the_first_request_to_a_new_server(fresh_server, page):
    page.goto(f"{fresh_server}/year_on_year?fy=2016-17&scope=Bexley")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    assert page.locator("h1").first.inner_text() == "Year on year: 2016-17 against 2015-16"
    assert page.get_by_test_id("stSidebar").get_by_text("Financial year", exact=True).is_visible(), "the sidebar filters are there"
    assert page.get_by_test_id("stSidebarNav").get_by_text("Branches").is_visible(), "the navigation is the app's own"


def test_year_on_year_redraws_when_measure_and_scope_change(live_server, page):
    page.goto(f"{live_server}/year_on_year?fy=2015-16&scope=Bexley")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    assert "Visits month by month: 2015-16 against 2014-15, like for like" in chart_titles(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Measure").click()
    page.get_by_role("option", name="Book issues", exact=True).click()
    page.wait_for_function(f"[...document.querySelectorAll('{CHART_TITLE}')]"
                           ".some(t => t.textContent.startsWith('Book issues month by month'))", timeout=30_000)
    wait_for_app(page)
    assert "Book issues month by month: 2015-16 against 2014-15, like for like" in chart_titles(page)
    page.get_by_test_id("stSidebar").get_by_text("Bromley", exact=True).click()
    page.wait_for_function("[...document.querySelectorAll('h2')].some(h => h.textContent.startsWith('Book issues: Bromley'))",
                           timeout=30_000)
    wait_for_app(page)
    assert "Book issues: Bromley, 2015-16" in page.locator("h2").first.inner_text()


@pytest.mark.parametrize("path,title", [
    ("priorities", "First-year priorities of the shared service"),
    ("value_for_money", "Value for money: Whole service, 2015-16"),
    ("peers", "Peer comparison, 2015-16"),
    ("branches", "Central (Bexleyheath): 2015-16"),
])
def test_each_page_opens_and_draws_its_charts(live_server, page, path, title):
    page.goto(f"{live_server}/{path}?fy=2015-16&scope=Whole%20service")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    assert page.locator("h1").first.inner_text() == title
    assert page.locator(".js-plotly-plot").count() >= 1
    assert not page.get_by_text("Sorry, this page could not be shown").count()


def test_the_numbers_behind_a_chart_arrive_when_the_expander_is_opened(live_server, page):
    """Closed, the expander holds no table and no download (nothing sent); opened, the numbers are there."""
    page.goto(f"{live_server}/branches?fy=2015-16&scope=Bexley&branch=Crayford")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    numbers = page.get_by_test_id("stExpander").filter(has_text="The numbers behind this chart").first
    assert not numbers.get_by_test_id("stDataFrame").count()
    assert not page.get_by_role("button", name="Download these numbers (CSV)").count()
    assert page.get_by_text("Crayford in 2015-16: visits were", exact=False).count(), "the sentence stays"
    numbers.locator("summary").click()
    grid = numbers.get_by_test_id("stDataFrame")
    grid.wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.get_by_role("button", name="Download these numbers (CSV)").count() == 1
    # the grid (a canvas: its numbers are read in test_branches) carries the chart's sentence as its name
    assert "The numbers behind the chart: Crayford in 2015-16: visits were" in grid.inner_html()


def test_the_html_board_pack_renders_every_chart_with_the_network_blocked(seed_db, browser, tmp_path):
    import shutil

    from libstats import db, report
    from libstats.content import appraisal
    copy = tmp_path / "library.duckdb"
    shutil.copy(seed_db, copy)
    database = db.Database(copy, read_only=True)
    year = appraisal.build(database.run, "2015-16")
    database.close()
    pack = tmp_path / "appraisal_2015-16.html"
    pack.write_text(report.build_html(year), encoding="utf-8")
    charts_expected = sum(len(s.charts) for s in year.sections)
    context = browser.new_context(offline=True)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(pack.as_uri())
    drawn = "[...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg .cartesianlayer')).length"
    page.wait_for_function(f"{drawn} === {charts_expected}", timeout=30_000)
    assert page.locator(".js-plotly-plot").count() == charts_expected
    assert [u for u in requests if not u.startswith("file:")] == [], "the pack asks the network for nothing"
    assert "1,024,069" in page.locator("body").inner_text()
    contents = page.get_by_role("navigation", name="Contents").get_by_role("listitem")
    assert contents.first.inner_text().startswith("1. Summary")
    assert contents.first.evaluate("li => getComputedStyle(li).listStyleType") == "none", "not '1. 1. Summary'"
    context.close()


def test_a_librarian_uploads_a_return_and_sees_it_on_the_branch_page(live_server, page, tmp_path):
    returns = tmp_path / "crayford_april_2018.csv"
    returns.write_text("month,branch,metric,value\n2018-04,Crayford,visits,8123\n", encoding="utf-8")
    sign_in_in_browser(page, f"{live_server}/data?fy=2017-18&scope=Bexley", "Sam Librarian")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(returns))
    page.get_by_text("crayford_april_2018.csv: 1 figure to add, 0 to change, 0 unchanged.").wait_for(timeout=30_000)
    page.get_by_role("button", name="Import crayford_april_2018.csv").click()
    page.get_by_text("Import 1: crayford_april_2018.csv: 1 figure added").wait_for(timeout=30_000)
    # The register runs only when its tab is opened, and the page keeps working after the switch.
    assert page.get_by_text("fail one of CIPFA's checks").count() == 0
    page.get_by_role("tab", name="Data quality").click()
    page.get_by_text("Bexley: ", exact=False).filter(has_text="fail one of CIPFA's checks").wait_for(timeout=30_000)
    page.goto(f"{live_server}/branches?fy=2018-19&scope=Bexley&branch=Crayford")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    assert page.locator("h1").first.inner_text() == "Crayford: 2018-19"
    title = page.locator(CHART_TITLE).first.text_content()
    assert title.startswith("Visits ") and title.endswith("on 2017-18 in the first month (8,123 in 2018-19)"), title
