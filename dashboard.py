"""The Bexley and Bromley shared library service's performance dashboard: navigation and shared filters."""
import logging

import streamlit as st

from libstats import auth, db, filters, signin, ui

st.set_page_config(page_title="Bexley & Bromley Libraries: performance", page_icon="📚", layout="wide")


@st.cache_resource(show_spinner=False)
def _cookie_secret() -> bool:
    """The first run makes the sign-in cookie's secret in the ignored secrets file (none ships)."""
    return signin.ensure_cookie_secret()


_cookie_secret()

AUDIT = st.Page("pages/audit.py", title="Audit trail", icon=":material/history:", url_path="audit")
PAGES = {
    "Bexley & Bromley Libraries": [
        # The default page is served at "/" whatever its url_path; the hidden twin makes /overview open it too.
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="home", default=True),
        st.Page("pages/overview.py", title="Overview", url_path="overview", visibility="hidden"),
        st.Page("pages/appraisal.py", title="Annual appraisal", icon=":material/summarize:", url_path="appraisal"),
        st.Page("pages/year_on_year.py", title="Year on year", icon=":material/compare_arrows:", url_path="year_on_year"),
        st.Page("pages/branches.py", title="Branches", icon=":material/local_library:", url_path="branches"),
        st.Page("pages/priorities.py", title="Priorities", icon=":material/flag:", url_path="priorities"),
        st.Page("pages/value_for_money.py", title="Value for money", icon=":material/payments:", url_path="value_for_money"),
        st.Page("pages/peers.py", title="Peers", icon=":material/groups:", url_path="peers"),
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
    ],
}

try:
    ui.database()           # opened once per process; refused while another program holds the files
except db.DatabaseLocked:
    st.error("Another program, most likely an import or a build from the command line, has the statistics "
             "database open. The dashboard opens as soon as it has finished: reload this page in a moment.")
    st.stop()
except db.StoreError as problem:
    st.error(f"The dashboard cannot open its statistics database: {ui.plain(problem)}")
    st.stop()

# Who is signed in decides which pages are listed; each page and each write checks again for itself.
who = signin.identity()
if who is None and signin.sign_in_required():
    pages = {"Bexley & Bromley Libraries": [st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:",
                                                    url_path="sign_in", default=True)]}
else:
    account_page = st.Page("pages/sign_in.py", title="Sign in" if who is None else "Your account",
                           icon=":material/login:" if who is None else ":material/person:", url_path="sign_in")
    pages = {**PAGES, "Your account": [account_page, *([AUDIT] if auth.may(who, "audit") else [])]}
navigation = st.navigation(pages, position="hidden" if filters.meeting_mode() else "sidebar")
# Each page its own title in the browser's tab and history (and for screen readers, WCAG 2.4.2).
st.set_page_config(page_title=f"{navigation.title} · Bexley & Bromley Libraries")
st.html(filters.APP_CSS)
if who is None and signin.sign_in_required():
    filters.without_filters()
    navigation.run()
    st.stop()
filters.sidebar()
signin.sidebar(who, on_sign_in_page=navigation.url_path == "sign_in")
filters.meeting_controls()
st.sidebar.caption("Bexley and Bromley shared library service, 2012–2017. Figures are for financial years (April to March).")
try:
    navigation.run()
except Exception:  # a user sees a plain message; the details go to the server log, not the page
    logging.getLogger("libstats").exception("page %s failed", navigation.title)
    st.error("Sorry, this page could not be shown. The error has been logged; please tell the library systems team.")
