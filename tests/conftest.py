"""Shared fixtures: the hand-checkable fixture database, the real seed database, AppTest, a live server."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from libstats import SEED_DIR
from libstats.build import build
from libstats.devtools import CHROMIUM, launch_chromium, serve

# No test process (nor the dashboards the browser tests start, which inherit it) works out every year's appraisal
# ahead in the background: that would take the CPU the tests are timed on. tests/test_prewarm.py turns it on.
os.environ["LIBSTATS_PREWARM"] = "0"
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"        # every test account's (no account ships with the app)
FIXTURE_SEED = ROOT / "tests" / "fixtures" / "seed"


@pytest.fixture(scope="session")
def fixture_seed_dir(tmp_path_factory) -> Path:
    """The fixture seed files plus the real metric catalogue."""
    folder = tmp_path_factory.mktemp("fixture_seed")
    for f in FIXTURE_SEED.glob("*.csv"):
        shutil.copy(f, folder / f.name)
    shutil.copy(SEED_DIR / "metrics.csv", folder / "metrics.csv")
    return folder


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory, fixture_seed_dir) -> Path:
    """A tiny warehouse whose totals are worked out by hand in tests/fixtures/README.md."""
    path = tmp_path_factory.mktemp("fixture_db") / "fixture.duckdb"
    build(path, seed_dir=fixture_seed_dir)
    return path


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    """The real warehouse built from data/seed/."""
    path = tmp_path_factory.mktemp("seed_db") / "library.duckdb"
    build(path)
    return path


def shown(markdown: str) -> str:
    """What a reader sees of an element's markdown source: ui.plain's escapes and word joiners undone."""
    import re
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def inspect(path: Path, sql: str, **params):
    """Rows of an ad-hoc read of a warehouse and its entries store, as the dashboard lays them out."""
    from libstats import db
    database = db.Database(path, read_only=True)
    try:
        with database.cursor() as cur:
            return cur.execute(sql, params).fetchall()
    finally:
        database.close()


def _fresh_streamlit_caches():
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()


class _NavigationPagesManager:
    """AppTest resets Streamlit's 'a pages/ folder means an old-style multipage app' flag before every run.

    A server clears it for good the first time st.navigation runs. Under AppTest every run would
    start in the old mode, run the page file alone, and rerun through dashboard.py (see
    filters.current), which loses a button click made for that run. Clearing the flag as a server
    does keeps AppTest runs like a browser's; the first-request path is tested in Chromium.
    """

    def __new__(cls, *args, **kwargs):
        from streamlit.runtime.pages_manager import PagesManager
        manager = PagesManager(*args, **kwargs)
        PagesManager.uses_pages_directory = False
        return manager


@pytest.fixture
def make_app(monkeypatch):
    """An AppTest of dashboard.py on a given database, with URL query parameters, already run once."""
    from streamlit.testing.v1 import AppTest
    monkeypatch.setattr("streamlit.testing.v1.app_test.PagesManager", _NavigationPagesManager)

    def make(db: Path, **query_params) -> AppTest:
        monkeypatch.setenv("LIBSTATS_DB", str(db))
        # The first run writes a cookie secret: into the test's folder, not the working tree's secrets file.
        monkeypatch.setenv("LIBSTATS_SECRETS", str(Path(db).parent / "secrets.toml"))
        _fresh_streamlit_caches()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for key, value in query_params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        return at

    yield make
    _fresh_streamlit_caches()


@pytest.fixture(scope="session")
def live_server(seed_db, tmp_path_factory):
    """`streamlit run dashboard.py` on a free loopback port, on a copy of the seed database."""
    yield from _serve(seed_db, tmp_path_factory)


@pytest.fixture
def fresh_server(seed_db, tmp_path_factory):
    """A server no request has reached yet (for what only the first request of a process does)."""
    yield from _serve(seed_db, tmp_path_factory)


# The accounts every live server has (made before it starts: a running dashboard holds the entries store).
LIVE_ACCOUNTS = (("Sam Librarian", "librarian", ("Bexley",)), ("Bea Librarian", "librarian", ("Bromley",)),
                 ("Jo Head", "head_of_service", ()), ("Ada Admin", "administrator", ()))


def _serve(seed_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("live") / "library.duckdb"
    shutil.copy(seed_db, db)
    for name, role, scopes in LIVE_ACCOUNTS:
        account(db, name, role, scopes)
    with serve(ROOT / "dashboard.py", {"LIBSTATS_DB": str(db)}, tmp_path_factory.mktemp("live_log") / "streamlit.log",
               timeout=60, options=secrets_options(db.parent)) as url:
        yield url


def secrets_options(folder: Path, text: str = "") -> list[str]:
    """A test server's own secrets file (the first run adds its cookie secret), never the working tree's."""
    path = folder / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    return ["--secrets.files", str(path)]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browsers cannot be downloaded here)."""
    from playwright.sync_api import sync_playwright
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()


def sign_in_in_browser(page, url: str, name: str, password: str = PASSWORD) -> None:
    """Open url and sign in with a local account in the sidebar, as a person does (the sign-in lasts as long
    as the browser tab's session: a reload, or page.goto, asks for it again)."""
    page.goto(url)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stExpander").filter(has_text="Sign in").locator("summary").click()
    sidebar.get_by_role("textbox", name="Account name").fill(name)
    sidebar.get_by_label("Password", exact=True).fill(password)
    sidebar.get_by_role("button", name="Sign in", exact=True).click()
    sidebar.get_by_text(f"Signed in as {name}", exact=False).first.wait_for(timeout=30_000)
    wait_for_app(page)


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait as Streamlit's own e2e tests do: the script has finished and no skeleton is left."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout)


# ------------------------------------------------------------------------------------ accounts for the tests

def account(where, name: str, role: str = "administrator", scopes=(), email: str | None = None,
            password: str | None = PASSWORD):
    """An account in the entries store of a warehouse path or an open Database (added once), and the
    command-line actor that stands for it."""
    from libstats import auth, db
    database = where if isinstance(where, db.Database) else db.Database(where)
    try:
        if auth.account(database, name) is None:
            auth.add_account(database, name, role, scopes, email=email, password=password, by="test")
    finally:
        if database is not where:
            database.close()
    return auth.Actor.command_line(name)


def sign_in_token(db_path: Path, name: str, password: str = PASSWORD) -> str:
    """A local sign-in's token, as the sign-in page keeps it in the session."""
    from libstats import auth, db
    database = db.Database(db_path)
    try:
        return auth.sign_in(database, name, password)[0]
    finally:
        database.close()


def signed_in(at, db_path: Path, name: str):
    """An AppTest session signed in as an account (the token the sign-in page would keep), run again."""
    from libstats import signin
    at.session_state[signin.TOKEN] = sign_in_token(db_path, name)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at
