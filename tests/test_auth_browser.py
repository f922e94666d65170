"""Signing in for real, in Chromium: through an OpenID Connect provider on loopback (oidc-provider-mock, with
Streamlit's own st.login), and a librarian's journey with a local account."""
from __future__ import annotations

import shutil

import pytest

from libstats import auth, db, importer
from libstats.devtools import free_port, serve
from tests.conftest import LIVE_ACCOUNTS, ROOT, account, secrets_options, sign_in_in_browser, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture
def oidc_provider():
    """A real OpenID Connect provider on loopback; it signs in whatever e-mail is typed into its form."""
    import oidc_provider_mock
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_server(seed_db, tmp_path, oidc_provider):
    """The dashboard with [auth] set up for the provider (as the README shows for Entra ID or Google)."""
    path = tmp_path / "library.duckdb"
    shutil.copy(seed_db, path)
    account(path, "Olive Head", "head_of_service", email="Olive.Head@bexley.gov.uk", password=None)
    port = free_port()
    secrets = (f'[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
               f'client_id = "libstats-dashboard"\nclient_secret = "any secret: the mock accepts every client"\n'
               f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"\n')
    with serve(ROOT / "dashboard.py", {"LIBSTATS_DB": str(path)}, tmp_path / "streamlit.log", timeout=60, port=port,
               options=secrets_options(tmp_path, secrets)) as url:
        yield url
    assert "cookie_secret" in (tmp_path / "secrets.toml").read_text(), "the first run made the cookie secret"


def test_signing_in_through_the_councils_identity_provider(oidc_server, oidc_provider, page):
    page.goto(f"{oidc_server}/sign_in")
    wait_for_app(page)
    page.get_by_role("button", name="Sign in with the council's account").click()
    page.wait_for_url(f"{oidc_provider}/oauth2/authorize**", timeout=30_000)
    page.locator('input[name="sub"]').fill("olive.head@bexley.gov.uk")      # the provider's own sign-in form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{oidc_server}/**", timeout=30_000)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Signed in as Olive Head (head of service)").wait_for(timeout=30_000)
    # The role came from the entries store, keyed by the e-mail: the head of service's page is listed.
    sidebar.get_by_test_id("stSidebarNav").get_by_text("Audit trail").click()
    page.get_by_role("heading", name="Audit trail").wait_for(timeout=30_000)
    wait_for_app(page)
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for(timeout=30_000)
    # The trail's grid is a canvas: its CSV download holds the rows, read here as a person would open it.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the audit trail (CSV)").click()
    rows = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Olive Head,sign_in,signed in through the identity provider as olive.head@bexley.gov.uk" in rows
    # Signed in through the provider, a reload keeps the sign-in (Streamlit's signed cookie).
    page.reload()
    wait_for_app(page)
    sidebar.get_by_text("Signed in as Olive Head (head of service)").wait_for(timeout=30_000)
    # Signing out ends Streamlit's cookie and, as the provider offers it, the provider's session too (its form).
    sidebar.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda u: u.startswith(f"{oidc_provider}/oauth2/end_session"), timeout=30_000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{oidc_server}/**", timeout=30_000)
    page.goto(oidc_server)
    wait_for_app(page)
    sidebar.get_by_text("Sign in", exact=True).first.wait_for(timeout=30_000)
    assert sidebar.get_by_text("Signed in as").count() == 0


@pytest.fixture
def journey_server(seed_db, tmp_path):
    """A dashboard whose store already has an import by a Bromley librarian (made before it starts)."""
    path = tmp_path / "library.duckdb"
    shutil.copy(seed_db, path)
    for name, role, scopes in LIVE_ACCOUNTS:
        account(path, name, role, scopes)
    database = db.Database(path)
    try:
        parsed = importer.read_file("bromley_april.csv", b"month,branch,metric,value\n2018-04,Central (Bromley),visits,20123\n")
        plan = importer.validate(database, parsed)
        importer.apply(database, plan, {w.key: "checked" for w in plan.warnings},
                       auth.Actor.command_line("Bea Librarian"), "bromley_april.csv", parsed.checksum)
    finally:
        database.close()
    with serve(ROOT / "dashboard.py", {"LIBSTATS_DB": str(path)}, tmp_path / "streamlit.log", timeout=60,
               options=secrets_options(tmp_path)) as url:
        yield url


def text_of(page) -> str:
    return page.locator("body").inner_text().replace("\u2060", "")


def test_a_bexley_librarian_imports_is_refused_bromley_undoes_their_own_and_signs_out(journey_server, page, browser, tmp_path):
    url = journey_server
    bexley = tmp_path / "crayford_april_2018.csv"
    bexley.write_text("month,branch,metric,value\n2018-04,Crayford,visits,8123\n", encoding="utf-8")
    bromley = tmp_path / "bromley_may_2018.csv"
    bromley.write_text("month,borough,branch,metric,value\n2018-05,Bromley,Central (Bromley),visits,20456\n"
                       "2018-05,Bexley,Crayford,visits,8200\n", encoding="utf-8")
    sign_in_in_browser(page, f"{url}/data?fy=2017-18&scope=Bexley", "Sam Librarian")
    nav = page.get_by_test_id("stSidebarNav")
    assert nav.get_by_text("Data").is_visible() and nav.get_by_text("Audit trail").count() == 0
    page.get_by_text("Importing as Sam Librarian (librarian: Bexley)").wait_for(timeout=30_000)

    # A Bexley return: imported, recorded under the signed-in name.
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bexley))
    page.get_by_text("crayford_april_2018.csv: 1 figure to add, 0 to change, 0 unchanged.").wait_for(timeout=30_000)
    page.get_by_role("button", name="Import crayford_april_2018.csv").click()
    page.get_by_text("Import 2: crayford_april_2018.csv: 1 figure added").wait_for(timeout=30_000)
    wait_for_app(page)

    # A Bromley one: refused, the rows named, and no button to import it.
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bromley))
    refusal = ("Row 2 is for Central (Bromley) in Bromley, outside Sam Librarian's scope (Bexley): nothing from this "
               "file was imported.")
    page.get_by_text(refusal).wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Import bromley_may_2018.csv").count() == 0

    # Undo: their own import is offered and undone; the Bromley librarian's never is.
    page.get_by_role("tab", name="Import history").click()
    page.get_by_role("button", name="Undo import 2").wait_for(timeout=30_000)
    page.get_by_test_id("stSelectbox").filter(has_text="Import to undo").click()
    options = page.get_by_role("option").all_inner_texts()
    assert options == ["2: crayford_april_2018.csv (Sam Librarian)"], options
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Undo import 2").click()
    page.get_by_text("Import 2 (crayford_april_2018.csv) undone: 0 figures restored to the earlier values, "
                     "1 added figure removed.").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Import history").click()
    page.get_by_text("Sam Librarian may undo only their own imports, and has none to undo").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Undo import 1").count() == 0

    # Sign out: the import controls go, and a sign-in is offered again.
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text="Sign in").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Import").first.click()
    page.get_by_text("Sign in as a librarian to import returns").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0

    # The audit trail's address, reached directly without the role: not shown.
    page.goto(f"{url}/audit")
    wait_for_app(page)
    assert page.get_by_role("heading", name="Audit trail").count() == 0
    assert "Download the audit trail" not in text_of(page)

    # The head of service, in another browser, sees the journey in the audit trail.
    other = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        head = other.new_page()
        sign_in_in_browser(head, url, "Jo Head")
        head.get_by_test_id("stSidebarNav").get_by_text("Audit trail").click()
        head.get_by_role("heading", name="Audit trail").wait_for(timeout=30_000)
        wait_for_app(head)
        with head.expect_download() as download:
            head.get_by_role("button", name="Download the audit trail (CSV)").click()
        rows = [line.split(",")[2:4] for line in open(download.value.path(), encoding="utf-8-sig").read().splitlines()[1:]]
    finally:
        other.close()
    assert rows[:5] == [["Jo Head", "sign_in"], ["Sam Librarian", "sign_out"], ["Sam Librarian", "undo"],
                        ["Sam Librarian", "import"], ["Sam Librarian", "sign_in"]], rows
