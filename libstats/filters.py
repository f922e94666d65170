"""The shared sidebar filters (financial year and scope), kept in the URL so a link opens the same view."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import streamlit as st

from libstats import catalogue, fiscal, ui

SCOPES = catalogue.SCOPE_NAMES


@dataclass(frozen=True)
class Selection:
    fy: str
    scope: str
    years: tuple[str, ...]
    complete_years: tuple[str, ...]
    meeting: bool = False          # meeting mode (a projector): passed to ui.chart, never looked up by it

    @property
    def borough(self) -> str | None:
        """The borough a scope stands for, or None for the whole service."""
        return catalogue.borough_of(self.scope)

    @property
    def previous_fy(self) -> str:
        return fiscal.previous_fy(self.fy)

    @property
    def is_complete(self) -> bool:
        return self.fy in self.complete_years


def _from_url(name: str, allowed) -> str | None:
    """The URL's value for name if it is one of allowed (ignoring case), else None."""
    value = st.query_params.get(name)
    return match(value, allowed)


def match(value: str | None, allowed) -> str | None:
    """The one of allowed that value names, without regard to case or surrounding spaces."""
    if value is None:
        return None
    wanted = value.strip().casefold()
    return next((a for a in allowed if a.casefold() == wanted), None)


def say_what_the_link_opened(what: str, asked: str | None, shown: str) -> None:
    """A link asked for something that does not exist: say so, and what is shown instead (the URL's text escaped)."""
    if asked is not None and asked.strip():
        st.info(f"No {what} called “{ui.plain(asked)}”: showing {ui.plain(shown)}.", icon=":material/link_off:")


def sidebar() -> Selection:
    """Draw the year and scope pickers in the sidebar; defaults come from the URL, else the latest complete year."""
    years_df = ui.run("financial_years", borough=None)
    years = tuple(years_df["fy"])
    complete = tuple(years_df.loc[years_df["months"] == 12, "fy"])
    published = tuple(years_df.loc[years_df["published"], "fy"])
    # The latest year a return publishes (2016-17 on the seed), not a later one that is all modelled.
    default_fy = published[-1] if published else complete[-1] if complete else years[-1]
    # The URL gives the starting value; after that the widgets hold the choice.
    url_fy, url_scope = _from_url("fy", years) or default_fy, _from_url("scope", SCOPES) or SCOPES[0]
    with st.sidebar:
        fy = st.selectbox(
            "Financial year", years, index=years.index(url_fy), key="fy",
            format_func=lambda y: y + ("" if y in complete else " (part year)") + ("" if y in published else " (modelled)"),
            help="April to March. The default is the latest year with published figures; a year marked "
                 "modelled has none, so every figure of it is an estimate.",
        )
        scope = st.radio("Scope", SCOPES, index=SCOPES.index(url_scope), key="scope",
                         help="The whole shared service, or one borough.")
    if st.query_params.get("fy") not in (None, fy) and _from_url("fy", years) is None:
        say_what_the_link_opened("financial year", st.query_params.get("fy"), fy)
    if st.query_params.get("scope") not in (None, scope) and _from_url("scope", SCOPES) is None:
        say_what_the_link_opened("scope", st.query_params.get("scope"), scope)
    if fy not in published and not meeting_mode():
        st.warning(f"No return publishes any figure for {fy}: every number shown for it is a modelled estimate "
                   "(◆), not a count.", icon=":material/warning:")
    st.query_params["fy"] = fy
    st.query_params["scope"] = scope
    _this_run.selection = Selection(fy, scope, years, complete, meeting_mode())
    return _this_run.selection


# Why the selection is handed over in a thread-local, not as a parameter (the one place this is explained).
# A page under pages/ is a script that navigation.run() executes: Streamlit gives it no arguments, so the
# selection dashboard.py drew cannot be passed to it. (st.Page also takes a function, which could take one,
# but the product brief fixes the pages/ folder of page files.) st.session_state is no substitute: it outlives
# the run, so a page could not tell this run's selection from the last one's, and telling them apart is the
# whole point of current() (None means dashboard.py did not run, the old-style multipage case: see current()).
# Streamlit runs a script run, entry script then page, on one ScriptRunner thread and one run at a time per
# session, so a thread-local set by sidebar() and taken (and cleared) by current() is exactly "this run's".
# It stays until Streamlit offers a page its run's values or stops running pages/ files on their own.
_this_run = threading.local()

# Every page: captions (which carry the provenance notes) darker than Streamlit's 4.35:1 grey, and one
# focus ring, near-black with a white gap, for every control a keyboard reaches (Streamlit's own is a
# faint tint on radios, switches and navigation links). Radios and switches hide their input, so the
# ring goes on the label that holds the focused input. A constant stylesheet.
APP_CSS = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4a4a4a !important; }
a:focus-visible, button:focus-visible, [role="tab"]:focus-visible, summary:focus-visible,
[data-baseweb="select"] > div:focus-within,
label:has(> input:focus-visible), label:has(input[type="checkbox"]:focus-visible), label:has(input[type="radio"]:focus-visible) {
  outline: 3px solid #1f1f1f !important; outline-offset: 2px !important; box-shadow: 0 0 0 2px #ffffff !important;
}
/* Tiles at 800 px (or 320, or 200% zoom) cut their text with an ellipsis ("1,02…", "Active borro…"):
   labels and changes wrap instead, and a value shrinks with its tile (cqi: a hundredth of the tile's width). */
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"] p { font-size: min(2.25rem, 16cqi); }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] div, [data-testid="stMetricLabel"] p,
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] div, [data-testid="stMetricDelta"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; height: auto !important;
  word-break: normal !important; overflow-wrap: break-word !important; }
[data-testid="stMetricLabel"] > div { min-width: 0; flex: 1 1 auto; }
[data-testid="stMain"] h2 { font-size: 1.75rem; }
/* Streamlit fades captions to 60% (#4a4a4a shows as #929292, 3.1:1): shown whole. The Esc hint on a button too. */
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stMain"] kbd { color: #4a4a4a !important; opacity: 1 !important; }
/* A chart's title is text above it (see ui.chart), so it wraps where Plotly's SVG title would be cut off. */
[class*="st-key-charttitle_"] p { font-size: 1.19rem; font-weight: 600; line-height: 1.3; margin-bottom: 0; }
/* Widget labels wrap rather than end in "…" ("Li…" for "Like for like"). */
[data-testid="stMain"] [data-testid="stWidgetLabel"] .stMarkdownEllipsis, [data-testid="stMain"] [data-testid="stWidgetLabel"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
/* Narrow screens (800 px; 960 px, a 1920 screen at 200% zoom; 1024 px): the sidebar 13.5rem, not 300 px, and a
   row of columns wraps rather than squeezing a tile or a switch below 11rem ("As reporte / d", "£3,…"). */
@media (max-width: 1100px) {
  [data-testid="stSidebar"][data-collapsed="false"] { width: 13.5rem !important; min-width: 13.5rem !important; }
  [data-testid="stMain"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  [data-testid="stMain"] [data-testid="stColumn"] { min-width: min(11rem, 100%); }
}
/* At 320 px (up to 480) a chart is drawn 28rem wide and scrolls sideways in its own box, rather than at the
   screen's 288 px with its axis titles and bar labels cut at the edge (a chart is two-dimensional: 1.4.10). */
@media (max-width: 480px) {
  [class*="st-key-chartbox_"] { overflow-x: auto; }
  [class*="st-key-chartbox_"] > [data-testid="stElementContainer"] { min-width: 28rem; }
}
/* The navigation's heading wraps in the narrower sidebar rather than ending in "…". */
[data-testid="stSidebarNav"] header, [data-testid="stSidebarNav"] header * { white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
</style>"""

# Presentation form for a projector: no sidebar, large type, and one appraisal section to a 1280x720
# screen. A constant stylesheet: nothing from a user or a file goes into it.
# The root size follows the screen's width (16 px at 1280, 24 px at 1920), so everything measured in rem
# keeps its proportions on a 1080p projector. Tile values are set on their inner paragraph with the
# same weight as the rule for all paragraphs, after it, so the value stays the biggest thing on screen.
MEETING_CSS = """<style>
html { font-size: clamp(16px, 1.25vw, 26px); }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.75rem 2rem 1rem !important; max-width: none !important; }
header[data-testid="stHeader"] { background: transparent !important; pointer-events: none; }
header[data-testid="stHeader"] [data-testid="stToolbar"] { pointer-events: auto; }
.st-key-leave_meeting { position: fixed; top: 0.75rem; right: 3.5rem; z-index: 999991; width: auto !important; }
.stApp { font-size: 1.3rem; }
.stApp p, .stApp li { font-size: 1.15rem; }
.stApp td, .stApp th { font-size: 0.95rem; padding: 0.3rem 0.45rem; max-width: none !important; }
[data-testid="stColumn"] td, [data-testid="stColumn"] th { font-size: 0.9rem; }
[data-testid="stColumn"] p, [data-testid="stColumn"] li { font-size: 1rem; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem; }
[data-testid="stMetricValue"], .stApp [data-testid="stMetricValue"] p { font-size: min(3.2rem, 16cqi); line-height: 1.15; }
h1 { font-size: 2.6rem !important; } h2 { font-size: 2rem !important; } h3 { font-size: 1.45rem !important; }
h2, h3 { padding-top: 0.25rem !important; padding-bottom: 0.5rem !important; }
.meeting-announcement { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
</style>"""


def meeting_mode() -> bool:
    """Whether the app is in meeting mode (?meeting=on in the URL, or the sidebar switch)."""
    return st.query_params.get("meeting") == "on"


def meeting_controls() -> None:
    """The switch into meeting mode (sidebar) or the way out of it (top of the page), and its styles."""
    if meeting_mode():
        st.html(MEETING_CSS)
        st.button("Leave meeting mode", key="leave_meeting", shortcut="Esc", icon=":material/close_fullscreen:",
                  on_click=_leave_meeting)
    else:
        st.sidebar.toggle("Meeting mode", key="meeting_toggle", on_change=_enter_meeting,
                          help="Large type and no sidebar, for a projector. Bookmark the link to open in it.")


def go_to_section(number: int) -> None:
    """Step the appraisal to a section in meeting mode (a button callback: it runs before the rerun)."""
    st.query_params["section"] = str(number)


def _leave_meeting() -> None:
    for name in ("meeting", "section"):
        if name in st.query_params:
            del st.query_params[name]


def _enter_meeting() -> None:
    st.query_params["meeting"] = "on"
    st.session_state["meeting_toggle"] = False


def without_filters() -> None:
    """This run draws no filters (a sign-in is required first): the sign-in page runs without a selection."""
    _this_run.selection = "no filters: sign in first"


def current() -> Selection:
    """The selection dashboard.py drew in this script run (why a thread-local: the comment at _this_run).

    Streamlit runs a page file on its own, without dashboard.py, when the first request a server
    process gets is a link to a page: until st.navigation has run once, a pages/ folder beside the
    entry script means old-style multipage mode. Then the page asks for one rerun in navigation mode,
    which runs dashboard.py (navigation, sidebar filters) and lands on the same page.
    """
    selection = getattr(_this_run, "selection", None)
    _this_run.selection = None
    if selection is None:
        from streamlit.runtime.pages_manager import PagesManager
        PagesManager.uses_pages_directory = False
        st.rerun()
    return selection
