"""Two people's journeys end to end in Chromium against `streamlit run`, reading the numbers they would read.

Screenshots of each step go to test-results/journeys/ (git-ignored), to look at after a run.
"""
from __future__ import annotations

import csv
import io

import pytest

from libstats import ROOT, SEED_DIR
from tests.conftest import sign_in_in_browser, wait_for_app

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-results" / "journeys"


def snap(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def published(borough: str, fy: str, metric: str) -> str:
    """A borough's published figure from data/seed/published_figures.csv, as the dashboard writes it."""
    with open(SEED_DIR / "published_figures.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if (row["borough"], row["branch"], row["fy"], row["metric"]) == (borough, "", fy, metric):
                return f"{float(row['value']):,.0f}"
    raise AssertionError(f"no published {metric} for {borough} {fy}")


def table_cell(page, row_has: list[str], column: str) -> str:
    """The text of a column in the first table row holding every one of row_has (st.table markup)."""
    return page.evaluate("""([wanted, column]) => {
        for (const table of document.querySelectorAll('[data-testid=stTable] table')) {
            const heads = [...table.querySelectorAll('thead th')].map(h => h.textContent.trim());
            const at = heads.indexOf(column); if (at < 0) continue;
            for (const tr of table.querySelectorAll('tbody tr')) {
                const cells = [...tr.children].map(c => c.textContent.trim());
                if (wanted.every(w => cells.includes(w))) return cells[at];
            }
        }
        return null; }""", [row_has, column])


def tile_value(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text()


@pytest.mark.parametrize("fy", ["2015-16", "2016-17"])
def test_board_member_opens_a_bookmarked_meeting_link_steps_through_and_takes_the_pack(live_server, browser, fy):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/appraisal?fy={fy}&scope=Whole%20service&meeting=on")
        wait_for_app(page)
        counter = page.get_by_text(f"Annual appraisal {fy} · section 1 of", exact=False)
        counter.wait_for(timeout=60_000)
        total = int(counter.inner_text().split(" of ")[1].split()[0])
        # The headline number: Bexley's visits, as CIPFA published them.
        visits = published("Bexley", fy, "visits")
        page.locator('[data-testid="stTable"]').first.wait_for(timeout=30_000)
        assert table_cell(page, ["Bexley", "Visits"], fy) == visits, f"{fy}: the board reads Bexley's visits"
        assert not page.get_by_test_id("stSidebar").is_visible()
        snap(page, f"board_{fy}_section_1")
        for step in range(2, total + 1):
            page.keyboard.press("ArrowRight")
            page.get_by_text(f"Annual appraisal {fy} · section {step} of {total}", exact=False).wait_for(timeout=30_000)
            wait_for_app(page)
            assert page.locator("h2").first.inner_text().startswith(f"{step}. "), page.locator("h2").first.inner_text()
            page.locator('[aria-live="polite"]').filter(has_text=f"Section {step} of {total}").first.wait_for(timeout=30_000)
            snap(page, f"board_{fy}_section_{step}")
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name=f"Download the board pack (HTML, {fy})").click()
        pack = download.value
        assert pack.suggested_filename == f"appraisal_{fy}.html"
        text = open(pack.path(), encoding="utf-8").read()
        assert visits in text, "the pack carries the headline number the board just read"
        assert f"annual appraisal {fy}" in text.lower()
    finally:
        context.close()


def write_commentary(page, section_title: str, text: str, author: str) -> None:
    """The head of service, signed in, writes a section's commentary on the appraisal page (who wrote it comes
    from the sign-in, not a text box)."""
    toggle = page.get_by_role("switch", name="Write commentary and set next year's targets")
    if not toggle.is_checked():
        page.get_by_test_id("stMain").get_by_text("Write commentary and set next year's targets", exact=True).click()
        wait_for_app(page)
    form = page.get_by_test_id("stExpander").filter(has_text=f"Commentary on “{section_title}”").first
    form.wait_for(timeout=30_000)
    form.get_by_role("textbox", name="What the board should know").fill(text)
    assert form.get_by_role("textbox", name="Your name").count() == 0
    form.get_by_role("button", name="Save the commentary").click()
    page.get_by_text(f"Head of service, written by {author}", exact=False).first.wait_for(timeout=30_000)
    wait_for_app(page)


def test_head_of_service_from_the_overview_to_a_branch_then_writes_commentary_and_builds_the_packs(fresh_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    try:
        # The Overview for 2016-17, then Bromley.
        page.goto(f"{fresh_server}/?fy=2016-17&scope=Whole%20service")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text() == "Whole service: 2016-17 at a glance"
        page.get_by_test_id("stSidebar").get_by_text("Bromley", exact=True).click()
        page.wait_for_function("document.querySelector('h1')?.innerText === 'Bromley: 2016-17 at a glance'", timeout=30_000)
        wait_for_app(page)
        bromley_issues = tile_value(page, "Book issues")
        assert bromley_issues[0].isdigit() and "," in bromley_issues, bromley_issues
        snap(page, "head_1_overview_bromley")

        # Year on year: book issues, Bromley, like for like.
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Year on year").click()
        page.wait_for_function("document.querySelector('h1')?.innerText.startsWith('Year on year: 2016-17')", timeout=60_000)
        wait_for_app(page)
        page.get_by_test_id("stSelectbox").filter(has_text="Measure").first.click()
        page.keyboard.type("Book issues")
        page.get_by_role("option", name="Book issues", exact=True).click()
        page.wait_for_function("[...document.querySelectorAll('h2')].some(h => h.textContent.startsWith('Book issues: Bromley, 2016-17'))",
                               timeout=30_000)
        wait_for_app(page)
        assert page.get_by_role("switch", name="Like for like").is_checked()
        assert page.locator("h2").first.inner_text().endswith("like for like")
        assert tile_value(page, "As reported, 2016-17") == bromley_issues, "the same number as the Overview's tile"
        snap(page, "head_2_year_on_year")

        # The ranking: the top branch's row opens its page.
        page.get_by_role("tab", name="Branches", exact=True).click()
        page.get_by_role("heading", name="Branches").wait_for(timeout=30_000)
        wait_for_app(page)
        grid = page.get_by_role("region", name="Branches ranked by book issues, 2016-17 against 2015-16")
        grid.wait_for(timeout=30_000)
        # The grid draws on a canvas; its accessible table beside it holds the cells' text.
        page.wait_for_function("""() => document.querySelector('[role=region][aria-label^="Branches ranked"]')
            .closest('[data-testid=stDataFrame]').querySelectorAll('table tr').length > 1""", timeout=30_000)
        top = page.evaluate("""() => { const g = document.querySelector('[role=region][aria-label^="Branches ranked"]')
            .closest('[data-testid=stDataFrame]');
            const rows = [...g.querySelectorAll('table tr')].map(r => [...r.children].map(c => c.textContent));
            return [rows[0], rows[1]]; }""")
        heads, first = top
        branch, issues = first[heads.index("Branch")], int(float(first[heads.index("2016-17")]))
        snap(page, "head_3_ranking")
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)          # the first row's selection box
        page.wait_for_function("location.pathname.endsWith('/branches')", timeout=30_000)
        wait_for_app(page)
        assert page.locator("h1").first.inner_text() == f"{branch}: 2016-17"
        assert "branch=" in page.url and "scope=Bromley" in page.url
        page.locator('[data-testid="stTable"]').first.wait_for(timeout=30_000)
        assert table_cell(page, ["Book issues"], "This branch") == f"{issues:,}", "the branch page agrees with the ranking"
        snap(page, "head_4_branch")

        # The appraisal: commentary on the summary, then both packs.
        note = f"Book issues in Bromley fell; {branch} lent {issues:,} books. Discussed with the board in May."
        sign_in_in_browser(page, f"{fresh_server}/appraisal?fy=2016-17&scope=Bromley", "Jo Head")
        write_commentary(page, "1. Summary", note, "Jo Head")
        assert page.get_by_text(note).count() >= 1
        snap(page, "head_5_commentary")
        page.get_by_role("button", name="Build the HTML pack").click()
        with page.expect_download(timeout=120_000) as html_download:
            page.get_by_role("button", name="Download the HTML pack").click(timeout=120_000)
        assert html_download.value.suggested_filename == "appraisal_2016-17.html"
        pack = context.new_page()
        pack.goto(html_download.value.path().as_uri())
        pack.get_by_text(note).first.wait_for(timeout=30_000)
        snap(pack, "head_6_html_pack")
        pack.close()
        page.get_by_role("button", name="Build the PDF pack").click()
        with page.expect_download(timeout=120_000) as pdf_download:
            page.get_by_role("button", name="Download the PDF pack").click(timeout=120_000)
        assert pdf_download.value.suggested_filename == "appraisal_2016-17.pdf"
        from pypdf import PdfReader
        text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(open(pdf_download.value.path(), "rb").read())).pages)
        assert " ".join(note.split()) in " ".join(text.split()), "the PDF carries the commentary"
        assert bromley_issues in text
    finally:
        context.close()


def test_a_bar_of_the_drivers_chart_opens_that_branch(live_server, page):
    page.goto(f"{live_server}/year_on_year?fy=2016-17&scope=Bexley")
    wait_for_app(page)
    page.get_by_role("tab", name="Branches", exact=True).click()
    page.get_by_role("heading", name="Branches").wait_for(timeout=30_000)
    wait_for_app(page)
    bar = page.locator(".js-plotly-plot .barlayer .point").last          # the biggest mover, at the top
    bar.wait_for(timeout=60_000)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    middle = box["y"] + box["height"] / 2
    # The branch named level with the bar on the axis.
    wanted = min(((abs(t.bounding_box()["y"] + t.bounding_box()["height"] / 2 - middle), t.text_content())
                  for t in page.locator(".js-plotly-plot .ytick text").all()))[1]
    page.mouse.click(box["x"] + box["width"] / 2, middle)     # Plotly's drag layer takes the click, as for a person
    page.wait_for_function("location.pathname.endsWith('/branches')", timeout=30_000)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == f"{wanted}: 2016-17"


def test_the_link_under_the_ranking_opens_the_branch_chosen(live_server, page):
    page.goto(f"{live_server}/year_on_year?fy=2016-17&scope=Bromley")
    wait_for_app(page)
    page.get_by_role("tab", name="Branches", exact=True).click()
    page.get_by_role("heading", name="Branches").wait_for(timeout=30_000)
    wait_for_app(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Open a branch's page").click()
    page.keyboard.type("Penge")
    page.get_by_role("option", name="Penge", exact=True).click()
    link = page.get_by_role("link", name="Open Penge: 2016-17")
    link.wait_for(timeout=30_000)
    link.focus()
    page.keyboard.press("Enter")                      # by keyboard: it is a real link
    page.wait_for_function("location.pathname.endsWith('/branches')", timeout=30_000)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Penge: 2016-17"
    assert "branch=Penge" in page.url and "scope=Bromley" in page.url
