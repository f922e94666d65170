"""Text from files and people is shown as text, in Chromium: no image fetched, no link made, no colour applied."""
from __future__ import annotations

import shutil

import pytest

from libstats import appraisal, db
from libstats.devtools import serve
from tests.conftest import ROOT, account, secrets_options, sign_in_in_browser, wait_for_app

pytestmark = pytest.mark.browser

TRAP = "http://127.0.0.1:9"          # nothing listens there; a request to it means markdown was rendered
IMAGE, LINK, COLOUR = f"![x]({TRAP}/image.png)", f"[Your session expired: sign in again]({TRAP}/login)", ":red[x]"


@pytest.fixture
def hostile_server(seed_db, tmp_path):
    """A server on a copy of the seed whose commentary was written by someone with a markdown name."""
    path = tmp_path / "library.duckdb"
    shutil.copy(seed_db, path)
    database = db.Database(path)
    # The name comes from the account now, and an administrator may type anything into it.
    appraisal.save_commentary(database, "2016-17", "summary", f"Body {IMAGE}",
                              account(database, f"{LINK} {IMAGE} {COLOUR}", "head_of_service"))
    import pandas as pd
    appraisal.save_targets(database, "2017-18", pd.DataFrame({"Measure": ["Visits"], "Scope": ["Bexley"],
                                                              "Target": [900000]}),
                           account(database, f"{LINK} {IMAGE}", "head_of_service"))
    account(database, "Sam", "librarian", ["Bexley"])
    database.close()
    with serve(ROOT / "dashboard.py", {"LIBSTATS_DB": str(path)}, tmp_path / "streamlit.log", timeout=60,
               options=secrets_options(tmp_path)) as url:
        yield url


def page_text(page) -> str:
    """The page's text as a reader sees it (ui.plain's invisible word joiners left out)."""
    return page.locator("body").inner_text().replace("\u2060", "")


def wait_for_text(page, text: str) -> None:
    page.wait_for_function("t => document.body.innerText.replace(/\u2060/g, '').includes(t)", arg=text,
                           timeout=30_000)


def watch(page) -> list[str]:
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.startswith(TRAP) else None)
    return asked


def assert_shown_as_text(page, asked: list[str], where: str) -> None:
    assert page.locator(f'img[src^="{TRAP}"]').count() == 0, f"{where}: an image from the file was drawn"
    assert page.locator(f'a[href^="{TRAP}"]').count() == 0, f"{where}: a link from the file was made"
    assert asked == [], f"{where}: the browser fetched {asked}"


def test_file_names_and_cells_are_shown_as_text_on_the_data_page(hostile_server, page):
    asked = watch(page)
    sign_in_in_browser(page, f"{hostile_server}/data?fy=2017-18&scope=Bexley", "Sam")
    bad_name = f"{LINK} {COLOUR}.csv"
    bad = f"month,branch,metric,value\n2018-04,{IMAGE},visits,10\n2018-04,{COLOUR},visits,10\n".encode()
    good_name = f"{IMAGE} {COLOUR}.csv"
    good = b"month,branch,metric,value\n2018-04,Crayford,visits,8123\n"
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([
        {"name": bad_name, "mimeType": "text/csv", "buffer": bad},
        {"name": good_name, "mimeType": "text/csv", "buffer": good}])
    page.get_by_text("2 problems: nothing from this file will be imported").wait_for(timeout=30_000)
    wait_for_text(page, f"{good_name}: 1 figure to add, 0 to change, 0 unchanged.")
    # the names read exactly as typed: in the titles, the summary and the button
    headings = [h.replace("\u2060", "") for h in page.locator("h3").all_inner_texts()]
    assert bad_name in headings and good_name in headings, headings
    button = page.get_by_role("button", name="Import ", exact=False).filter(has_text="image")
    assert button.inner_text().replace("\u2060", "") == f"Import {good_name}"
    button.click()
    wait_for_text(page, f"Import 1: {good_name}: 1 figure added, 0 changed, 0 unchanged.")
    assert_shown_as_text(page, asked, "the Data page")


def test_the_commentary_author_is_shown_as_text_to_every_reader(hostile_server, page):
    asked = watch(page)
    page.goto(f"{hostile_server}/appraisal?fy=2016-17&scope=Whole%20service")
    wait_for_app(page)
    written = page.get_by_text("Head of service, written by", exact=False).first
    written.wait_for(timeout=60_000)
    assert written.inner_text().replace("\u2060", "").startswith(f"Head of service, written by {LINK} {IMAGE} {COLOUR} on ")
    assert page.get_by_text(f"Body {IMAGE}").count() == 1, "the body is shown as typed too (st.text)"
    page.get_by_role("tab", name="5. Next year").click()    # the page draws one section at a time
    wait_for_text(page, f"Set by {LINK} {IMAGE}")      # the targets table names who set them, as typed
    assert_shown_as_text(page, asked, "the appraisal")
