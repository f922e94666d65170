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
