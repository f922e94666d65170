"""A quarter uploaded on the Data page in Chromium (issue 18): previewed as a quarter, imported, stored once at
its grain, and the branch page says how it was counted."""
from __future__ import annotations

import pytest

from tests.conftest import sign_in_in_browser, wait_for_app

pytestmark = pytest.mark.browser


def test_a_librarian_uploads_a_quarter_and_it_is_kept_as_a_quarter(fresh_server, page, tmp_path):
    quarter = tmp_path / "crayford_q1_2018_19.csv"
    quarter.write_text("Local authority,Library name,Count start,Count end,Count type,Visits\n"
                       "E09000004,Crayford,2018-04-01,2018-06-30,Automatic,24000\n", encoding="utf-8")
    sign_in_in_browser(page, f"{fresh_server}/data?fy=2018-19&scope=Bexley", "Sam Librarian")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(quarter))
    page.get_by_text("crayford_q1_2018_19.csv: 1 figure to add, 0 to change, 0 unchanged.").wait_for(timeout=30_000)
    page.get_by_text("1 figure to add", exact=True).click()          # the preview names the period, not a month
    # the grid draws on a canvas; its cells are in the page for assistive technology
    page.get_by_text("April to June 2018 (a quarter)").first.wait_for(state="attached", timeout=30_000)
    page.get_by_role("button", name="Import crayford_q1_2018_19.csv").click()
    page.get_by_text("Import 1: crayford_q1_2018_19.csv: 1 figure added").wait_for(timeout=30_000)
    page.goto(f"{fresh_server}/branches?fy=2018-19&scope=Bexley&branch=Crayford")
    wait_for_app(page)
    page.get_by_text("one count for April to June 2018 (a quarter), spread over its months (modelled)",
                     exact=False).wait_for(timeout=60_000)


# Each layout the importer takes, uploaded on the Data page as a person does (issue 18's tests: "each imported
# through the CLI and the Data page"); the CLI side is tests/test_returns.py. Events need reasons for their
# warnings and are covered there; the ISO file needs its measure picked and is uploaded with one below.
LAYOUTS = (
    ("visits_quarter.csv", "read as library data schema: visits", "2 figures to add, 0 to change, 0 unchanged."),
    ("loans_quarter.csv", "read as library data schema: loans", "2 figures to add, 0 to change, 0 unchanged."),
    ("loans_month_types.csv", "read as library data schema: loans", "3 figures to add, 0 to change, 0 unchanged."),
    ("visits_sampled_week.csv", "read as library data schema: visits", "2 figures to add, 0 to change, 0 unchanged."),
    ("visits_overlapping_windows.csv", "read as library data schema: visits",
     "2 figures to add, 0 to change, 0 unchanged."),
    ("visits_single_day.csv", "read as library data schema: visits", "1 figure to add, 0 to change, 0 unchanged."),
    ("annual.csv", "read as annual figures of a borough", "0 figures to add, 4 to change, 0 unchanged."),
)


def test_every_layout_is_read_previewed_and_imported_on_the_data_page(fresh_server, page):
    from tests.test_returns import RETURNS

    for number, (name, layout, preview) in enumerate(LAYOUTS, start=1):
        sign_in_in_browser(page, f"{fresh_server}/data?fy=2016-17", "Ada Admin")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(RETURNS / name))
        page.get_by_text(f"{name}: {preview}").wait_for(timeout=60_000)
        page.get_by_text(layout, exact=False).first.wait_for(timeout=30_000)
        page.get_by_role("button", name=f"Import {name}").click()
        page.get_by_text(f"Import {number}: {name}:", exact=False).wait_for(timeout=60_000)
    # and a bad variant is refused on the page with its row and column
    sign_in_in_browser(page, f"{fresh_server}/data?fy=2016-17", "Ada Admin")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(RETURNS / "annual_problems.csv"))
    page.get_by_text("5 problems: nothing from this file will be imported", exact=False).wait_for(timeout=60_000)
    # the grid draws on a canvas; its cells (row, column, what is wrong) are in the page for assistive technology
    page.get_by_text("“2016” is not a financial year: write it as 2016-17.", exact=True).first.wait_for(
        state="attached", timeout=30_000)
    assert page.get_by_role("button", name="Import annual_problems.csv").count() == 0
