"""Streamlit glue: the cached database, cached named queries, and the shared ways of showing things."""
from __future__ import annotations

import contextlib
import logging
import os
import re
import threading

import pandas as pd
import streamlit as st

from libstats import charts, db, export, formats, metrics, report

log = logging.getLogger("libstats")

# Every ASCII punctuation mark markdown (and Streamlit's :colour[…] and $math$) could read as syntax.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+\-.!|:<>$~&=\"'])")
# Streamlit also turns bare addresses (http://…, www.…, a@b.c) into links after reading the markdown, whatever
# the escapes: a word joiner (U+2060, invisible and not read aloud) inside each keeps them from matching.
WORD_JOINER = "\u2060"
_ADDRESSES = re.compile(r"(?<=:)(?=//)|(?<=[Ww]{3})(?=\\?\.)|(?=@)")


def plain(text: object) -> str:
    """Text from a file or a person, made safe to show in any element that reads markdown (titles, messages,
    captions, labels, buttons): every mark that could be syntax is escaped, so it shows as typed and can
    never become a link, an image or a coloured span. Newlines become spaces (a label is one line)."""
    escaped = _MARKDOWN_SYNTAX.sub(r"\\\1", " ".join(str(text).split()))
    return _ADDRESSES.sub(WORD_JOINER, escaped)


def escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose text cells are made plain (st.table reads markdown in its cells): for tables
    that carry words from people, such as who set the targets."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: plain(v) if isinstance(v, str) else v)
    return out


# A table longer than this is sent as an interactive grid (st.dataframe: scrolls, sorts, and the browser
# draws only the rows in view) instead of an HTML table, whose every cell is a DOM node on every rerun.
LONG_TABLE = 12


def table(frame: pd.DataFrame, alt: str, key: str, long_from: int = LONG_TABLE + 1) -> None:
    """A table: short ones as an HTML table (they carry the argument, in meeting mode too), long ones as a grid.

    alt is the accessible name of either. The grid shows every cell as text (st.dataframe reads no markdown),
    so text from files and people shows as typed in both.
    """
    if len(frame) >= long_from:
        st.dataframe(frame, hide_index=True, width="stretch", key=key, alt=alt)
    else:
        st.table(frame, hide_index=True, alt=alt)


@st.cache_resource(show_spinner="Opening the statistics database…")
def database() -> db.Database:
    """One connection per process: the warehouse (built from the seed on first run if it is missing) read-only,
    and the entries store for what people enter."""
    from libstats import build
    path = db.db_path()
    done = build.ensure_current(path)
    if done:
        log.info("%s", done)
    return db.Database(path)


@st.cache_resource(show_spinner=False)
def printer():
    """One Chromium per process for the PDF board packs, kept running between them (report.Printer): a
    resource like the connection, started ahead when the appraisal page opens."""
    return report.Printer()


@st.cache_data(ttl=3600, max_entries=1024, show_spinner=False)
def _cached_run(name: str, version: int, params: tuple) -> pd.DataFrame:
    return database().run(name, **{k: list(v) if isinstance(v, tuple) else v for k, v in params})


def run(name: str, **params) -> pd.DataFrame:
    """A named query's result, cached on the query, its parameters and the data version."""
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _cached_run(name, database().data_version(), key)


@st.cache_resource(ttl=3600, max_entries=256, show_spinner="Working it out…")
def _computed(name: str, version: int, args: tuple, _fn) -> object:
    return _fn(run, *args)


def computed(fn, *args):
    """fn(run, *args): a page's queries, computations and figures, cached on fn, its arguments and the data
    version, and shared by every session (nothing is copied or pickled: a rerun for a choice already
    seen does no pandas or Plotly work). fn must not depend on anything else, and pages must show its
    result without changing it.
    """
    return _computed(f"{fn.__module__}.{fn.__qualname__}", database().data_version(), args, _fn=fn)


# Set to 0 to start nothing ahead (the tests do: each test process would otherwise work out every year's appraisal).
PREWARM = "LIBSTATS_PREWARM"


class _NotFromPrewarm(logging.Filter):
    """Streamlit warns of a "missing ScriptRunContext" whenever a cache is used outside a script run: expected of
    the prewarm thread, which draws nothing, so its warnings are dropped (any other thread's are kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.threadName.startswith("libstats-prewarm-")


@st.cache_resource(show_spinner=False)
def _prewarm(name: str, _calls: tuple, _fn) -> threading.Thread:      # one thread per fn, whatever the calls
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_NotFromPrewarm())

    def work() -> None:
        for args in _calls:
            try:
                computed(_fn, *args)
            except Exception:                # the page works it out when asked, and says so if it fails
                log.exception("working out %s%r ahead failed", name, args)
    thread = threading.Thread(target=work, name=f"libstats-prewarm-{name}", daemon=True)
    thread.start()
    return thread


def prewarm(fn, calls) -> threading.Thread | None:
    """Work out fn's content (as computed(fn, *args) would) for each of calls in a background thread, once per
    process and fn (a later call, with whatever calls, gets the same thread), so the first reader to ask for one
    finds it ready. Only for content that costs a reader a visible
    wait the first time (the appraisal's first section: bench/RESULTS.md shows what it saves). A later import
    makes a new data version, and the next reader works it out as usual."""
    if os.environ.get(PREWARM, "1") == "0":
        return None
    return _prewarm(f"{fn.__module__}.{fn.__qualname__}", tuple(calls), _fn=fn)


def tile(where, tile) -> None:
    """A parts.Tile in a column (or the page): the figure, its change in words and colour, its caption."""
    where.metric(tile.label, tile.value, tile.delta, border=True, help=tile.help, delta_color=tile.delta_color,
                 delta_arrow=tile.delta_arrow)
    if tile.caption:
        where.caption(tile.caption)


def show(shown, meeting: bool, **options):
    """A parts.Chart computed ahead, with its text alternative."""
    return chart(shown, meeting=meeting, **options)


def chart(shown, key: str | None = None, summary: str | None = None, table_caption: str | None = None,
          headline: bool = True, meeting_height: int = 560, on_select: str = "ignore", *, meeting: bool):
    """A parts.Chart with its text alternative (a sentence, and the numbers as a table) and its downloads.

    key and summary: other than the Chart's own (the appraisal's keys; a sentence made plain). The camera button
    on the chart saves it as a PNG; the CSV button saves its numbers. In meeting mode (meeting: the page's
    filters.Selection.meeting) the sentence (the key number in words) comes first, in large type (unless the page
    has put it above already: headline=False), above a chart meeting_height pixels tall. on_select="rerun": a
    click on a bar or point reruns the page, and the chart's selection event is returned.
    The projector's figure and the page's untitled one are forms of the Chart, made once with it (Chart.form).
    """
    key, summary, table = key or shown.key, summary if summary is not None else shown.summary, shown.table
    if meeting:
        if headline:
            st.subheader(summary)
        fig = shown.form(("meeting", meeting_height), lambda f: charts.presentation(f, meeting_height))
    else:
        # Plotly never wraps an SVG title, so at 800 px and below it was cut off: the title is shown as
        # text above the chart instead (it wraps, and a legend can never sit on it). Meeting mode keeps
        # the projector figure's own title, which charts.presentation breaks to fit.
        fig, title = shown.form("untitled", charts.untitled)
        if title:
            with st.container(key=f"charttitle_{key}"):
                st.markdown(f"**{plain(title)}**")
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": key, "scale": 2}}
    # alt: the sentence is also the chart's accessible name, so a screen reader announces the finding.
    # theme=None: the figure's own colours and fonts (Streamlit's chart theme greys all chart text to 3.72:1).
    selecting = {} if on_select == "ignore" else {"on_select": on_select, "selection_mode": "points"}
    # Outside meeting mode the chart sits in a box of its own, which scrolls sideways at 320 px (APP_CSS).
    with contextlib.nullcontext() if meeting else st.container(key=f"chartbox_{key}"):
        event = st.plotly_chart(fig, key=key, width="stretch", config=config, alt=summary, theme=None, **selecting)
    if not meeting:
        st.markdown(summary)
    # on_change="rerun": the table and its download are built only while the expander is open, so a
    # rerun with it closed sends neither (the chart's sentence above stays its text alternative).
    numbers_box = st.expander("The numbers behind this chart (table)", key=numbers_key(key), on_change="rerun")
    if numbers_box.open:
        _numbers(numbers_box, key, summary, table, table_caption)
    return event


def numbers_key(chart_key: str) -> str:
    """The session-state key of a chart's "numbers behind this chart" expander (True while it is open)."""
    return f"{chart_key}_numbers"


def _numbers(box, key: str, summary: str, table: pd.DataFrame, table_caption: str | None):
    with box:
        if table_caption:
            st.caption(table_caption)
        shown = metrics.readable_table(table, labels())
        numbers = {c: st.column_config.NumberColumn(format="localized") for c in shown.columns
                   if pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])}
        st.dataframe(shown, hide_index=True, width="stretch", key=f"{key}_table", column_config=numbers,
                     alt=f"The numbers behind the chart: {summary}")
        st.download_button("Download these numbers (CSV)", lambda: export.to_csv(table), f"{key}.csv", "text/csv",
                           key=f"{key}_csv", icon=":material/download:")



def labels() -> dict[str, str]:
    """Each measure's name by its code, from the glossary."""
    catalogue = run("metric_catalogue")
    return dict(zip(catalogue["metric"], catalogue["label"]))


def ranking_columns(fy: str, previous_fy: str, value_format: str) -> dict:
    """Column formats for a branch ranking table: numbers with separators, a sparkline of the trend."""
    # value_format is the measure's d3 format (yoy.value_format): a share, two places (a ratio, pence) or a count.
    number = "percent" if "%" in value_format else formats.printf(2, grouping=False) if value_format.endswith("2f") \
        else "localized"
    change = formats.column("count", sign=True) if number == "localized" else formats.printf(3, sign=True, grouping=False)
    return {
        fy: st.column_config.NumberColumn(fy, format=number),
        previous_fy: st.column_config.NumberColumn(previous_fy, format=number),
        "Change": st.column_config.NumberColumn("Change", format=change),
        "Change (%)": st.column_config.NumberColumn("Change (%)", format=formats.column("percent", sign=True)),
        "Share of borough (%)": st.column_config.NumberColumn("Share of borough (%)", format=formats.column("percent")),
        "Trend": st.column_config.LineChartColumn("Trend, every year", help="One point per financial year, oldest first"),
    }


@st.cache_data(ttl=3600, max_entries=64, show_spinner="Checking the figures…")
def _cached_register(version: int, branch: str | None) -> pd.DataFrame:
    from libstats import quality
    catalogue = run("metric_catalogue")
    # The checks run in SQL (queries/quality_flags.sql); only the flagged figures come back to be worded.
    flags = run("quality_flags", **quality.flags_parameters(branch))
    return quality.register(flags, run("import_reasons"), run("events_all", borough=None),
                            dict(zip(catalogue["metric"], catalogue["label"])), run("branch_hours", branch=branch))


def quality_register(branch: str | None = None) -> pd.DataFrame:
    """Every figure failing a data-quality check (of one branch, or all), cached on the data version.

    Every check compares a branch with itself, so one branch's register needs only its own figures.
    """
    return _cached_register(database().data_version(), branch)
