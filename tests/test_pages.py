"""Every page renders through AppTest and shows the right numbers on the fixture database."""
from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import numpy as np
from streamlit.proto.Metric_pb2 import Metric

from libstats import ui
from tests.conftest import account, signed_in

ROOT = Path(__file__).resolve().parent.parent


def tiles(at):
    return {m.label: (m.value, m.delta) for m in at.metric}


def _in_order(node):
    """Every element under an AppTest node, in the order the page shows them."""
    children = getattr(node, "children", None)
    if not children:
        yield node
        return
    for key in sorted(children):
        yield from _in_order(children[key])


def chart_title(at, index=0) -> str | None:
    """The title shown as text above a chart (ui.chart), or None (meeting mode keeps it in the figure)."""
    shown = list(_in_order(at.main))
    charts = [i for i, e in enumerate(shown) if getattr(e, "type", None) == "plotly_chart"]
    before = shown[charts[index] - 1] if charts[index] else None
    value = getattr(before, "value", None) if getattr(before, "type", None) == "markdown" else None
    if not (isinstance(value, str) and value.startswith("**") and value.endswith("**")):
        return None
    from tests.conftest import shown as unescaped
    return unescaped(value[2:-2])


def chart(at, index=0):
    """A chart's Plotly spec; a title shown above the chart as text is read back into it as layout.title.text."""
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)
    title = chart_title(at, index)
    if title is not None:
        assert "text" not in spec["layout"].get("title", {}), "the title is drawn twice (as text and in the SVG)"
        spec["layout"]["title"] = {"text": title}
    return spec


def values(trace_data):
    """Plotly writes numeric arrays as base64 ('bdata'); read them back as a list."""
    if isinstance(trace_data, dict) and "bdata" in trace_data:
        return np.frombuffer(base64.b64decode(trace_data["bdata"]), dtype=trace_data["dtype"]).tolist()
    return list(trace_data)


def open_numbers(at):
    """Open every chart's "The numbers behind this chart" expander (built only while open, ui.chart) and rerun."""
    for shown in at.get("plotly_chart"):
        at.session_state[ui.numbers_key(shown.proto.id.split("-", 2)[2])] = True
    return at.run()


def table(at, column):
    """The table on the page (interactive or static) that has this column; a chart's numbers are opened to read
    them (they are built only when a person opens them)."""
    found = [d.value for d in [*at.dataframe, *at.table] if column in d.value.columns]
    if not found and at.get("plotly_chart"):
        open_numbers(at)
        found = [d.value for d in [*at.dataframe, *at.table] if column in d.value.columns]
    assert len(found) == 1, f"expected one table with a {column!r} column, found {len(found)}"
    return found[0]


def test_every_page_is_in_the_navigation_and_renders(fixture_db, make_app, tmp_path):
    listed = set(re.findall(r'st\.Page\("(pages/[a-z_]+\.py)"', (ROOT / "dashboard.py").read_text()))
    on_disk = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert listed == on_disk, "every page file must be listed in dashboard.py's navigation"
    # Signed in as the head of service, whose navigation lists every page (the audit trail too).
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    account(path, "Jo", "head_of_service")
    at = signed_in(make_app(path), path, "Jo")
    for page in sorted(listed):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        assert at.title, f"{page} has a title"


def test_overview_defaults_to_the_latest_complete_year_for_the_whole_service(fixture_db, make_app):
    at = make_app(fixture_db)
    assert at.sidebar.selectbox(key="fy").value == "2015-16"
    assert at.sidebar.radio(key="scope").value == "Whole service"
    assert at.title[0].value == "Whole service: 2015-16 at a glance"
    shown = tiles(at)
    assert shown["Visits"] == ("42,000", "+2.9% on 2014-15 (up, better)")
    assert shown["Book issues"] == ("16,800", "+2.9% on 2014-15 (up, better)")
    # people are not added across boroughs (the old tile summed them to 11,000)
    assert "Active borrowers" not in shown
    assert shown["Active borrowers, Bexley"] == ("5,000", "+25.0% on 2014-15 (up, better)")
    assert shown["Active borrowers, Bromley"] == ("6,000", "no change on 2014-15")
    # 270 / 800 hours against 300 / 800: from totals (the mean of the three branches' ratios is 40.0%)
    assert shown["PC utilisation"] == ("33.8%", "-3.7 points on 2014-15 (down, worse)")   # -3.75, in floating point
    assert shown["Net cost per visit"] == ("£2.00", "+4.3% on 2014-15 (up, worse)")
    assert shown["Visits per 1,000 population"] == ("84", "+2.9% on 2014-15 (up, better)")
    assert any("never added" in c.value for c in at.caption)


def test_overview_for_bexley_shows_the_hand_computed_tiles(fixture_db, make_app):
    at = make_app(fixture_db, fy="2015-16", scope="Bexley")
    shown = tiles(at)
    assert shown == {
        "Visits": ("18,000", "+7.1% on 2014-15 (up, better)"),
        "Book issues": ("7,200", "+7.1% on 2014-15 (up, better)"),
        "Active borrowers": ("5,000", "+25.0% on 2014-15 (up, better)"),
        "Visits per 1,000 population": ("90", "+7.1% on 2014-15 (up, better)"),
        # (120 + 60) / (400 + 100) hours: a ratio of totals (the mean of the branches' 30% and 60% is 45%)
        "PC utilisation": ("36.0%", "-6.0 points on 2014-15 (down, worse)"),
        "Net cost per visit": ("£2.00", "+11.1% on 2014-15 (up, worse)"),
    }
    captions = [c.value for c in at.caption]
    # Central's months are a split of the published total, Crayford's modelled: the sum is part modelled
    assert captions[0] == "◐ Part modelled · 2014-15: modelled estimate"
    # A rise in net cost per visit is bad news: the arrow points up, the colour is the warning one.
    net = next(m for m in at.metric if m.label == "Net cost per visit")
    assert Metric.MetricDirection.Name(net.proto.direction) == "UP"
    assert Metric.MetricColor.Name(net.proto.color) == "RED"
    visits = next(m for m in at.metric if m.label == "Visits")
    assert Metric.MetricColor.Name(visits.proto.color) == "GREEN"
    at = make_app(fixture_db, fy="2015-16", scope="Bromley")
    assert [c.value for c in at.caption][0] == "✓ Published figure · 2014-15: modelled estimate"


def test_overview_chart_is_this_year_against_last_with_a_finding_title(fixture_db, make_app):
    at = make_app(fixture_db, fy="2015-16", scope="Bexley")
    spec = chart(at)
    traces = {t["name"]: t for t in spec["data"]}
    assert values(traces["2015-16"]["y"]) == [1500] * 12
    assert values(traces["2014-15"]["y"]) == [1400] * 12
    assert traces["2015-16"]["x"][0] == "Apr" and traces["2015-16"]["x"][-1] == "Mar"
    assert traces["2014-15"]["line"]["dash"] == "dash"          # not colour alone
    assert spec["layout"]["title"]["text"] == "Visits up 7.1% on 2014-15 (18,000 in 2015-16)"
    assert traces["Events (listed below)"]["x"] == ["Nov"]
    # The text alternative: a sentence and the table.
    assert "Bexley in 2015-16: visits were highest in Apr 2015 (1,500 visits) and lowest in Apr 2015 (1,500)." in \
        [m.value for m in at.markdown]
    assert at.get("plotly_chart")[0].proto.alt == \
        "Bexley in 2015-16: visits were highest in Apr 2015 (1,500 visits) and lowest in Apr 2015 (1,500)."
    numbers = table(at, "Change (%)")
    assert list(numbers.columns) == ["Month", "2015-16", "2014-15", "Change (%)"]
    assert numbers.iloc[0].tolist() == ["Apr", 1500, 1400, 7.1]
    assert len(numbers) == 12


def test_changing_the_measure_redraws_the_chart(fixture_db, make_app):
    at = make_app(fixture_db, fy="2015-16", scope="Bexley")
    at.selectbox(key="overview_measure").set_value("book_issues").run()
    spec = chart(at)
    assert spec["layout"]["title"]["text"] == "Book issues up 7.1% on 2014-15 (7,200 in 2015-16)"
    assert {t["name"]: values(t["y"]) for t in spec["data"] if t["name"] == "2015-16"} == {"2015-16": [600] * 12}


def test_changing_scope_and_year_in_the_sidebar(fixture_db, make_app):
    at = make_app(fixture_db, fy="2015-16", scope="Bexley")
    at.sidebar.radio(key="scope").set_value("Bromley").run()
    assert tiles(at)["Visits"] == ("24,000", "no change on 2014-15")
    flat = next(m for m in at.metric if m.label == "Visits")
    assert Metric.MetricColor.Name(flat.proto.color) == "GRAY", "no change is neither good nor bad news"
    assert at.query_params["scope"] == "Bromley"
    at.sidebar.selectbox(key="fy").set_value("2014-15").run()
    assert tiles(at)["Visits"] == ("24,000", ""), "no 2013-14 to compare with"
    assert at.query_params["fy"] == "2014-15"


def test_events_of_the_year_for_the_scope(fixture_db, make_app):
    at = make_app(fixture_db, fy="2015-16", scope="Bexley")
    events = table(at, "Event")
    assert events["Event"].tolist() == ["Fixture: Crayford refit"]
    assert events["No."].tolist() == [1], "numbered as on the chart"
    assert events["When"].tolist() == ["November 2015"]
    at = make_app(fixture_db, fy="2015-16", scope="Whole service")
    events = table(at, "Event")
    assert events["Event"].tolist() == ["Fixture: Bromley plan", "Fixture: Crayford refit"]
    assert events["When"].tolist() == ["2015 (month not known)", "November 2015"]


def test_modelled_figures_say_so(fixture_db, make_app):
    at = make_app(fixture_db, fy="2014-15", scope="Bexley")
    captions = [c.value for c in at.caption]
    assert captions[0].startswith("◆ Modelled estimate")
    assert "⚠ Modelled figures shown. 2014-15 is a modelled estimate." in captions
    at = make_app(fixture_db, fy="2015-16", scope="Bromley")
    assert ("⚠ Modelled figures shown. 2015-16 adds up to the published CIPFA total (its split by month and "
            "branch is modelled); 2014-15 is a modelled estimate.") in [c.value for c in at.caption]
    # Bexley's 2015-16: Central's months a split of the published total, Crayford's modelled (mixed provenance)
    at = make_app(fixture_db, fy="2015-16", scope="Bexley")
    assert ("⚠ Modelled figures shown. 2015-16 is part modelled (modelled split of a published total and "
            "modelled); 2014-15 is a modelled estimate.") in [c.value for c in at.caption]


def test_overview_on_the_real_seed_shows_the_published_bexley_figures(seed_db, make_app):
    at = make_app(seed_db, fy="2015-16", scope="Bexley")
    shown = tiles(at)
    assert shown["Visits"][0] == "1,024,069"
    assert shown["Book issues"][0] == "781,565"
    assert shown["Active borrowers"][0] == "41,775"
    assert shown["Visits"][1] == "-4.3% on 2014-15 (down, worse)"


def test_a_bad_url_falls_back_to_the_defaults(fixture_db, make_app):
    at = make_app(fixture_db, fy="2109-10", scope="<script>")
    assert at.sidebar.selectbox(key="fy").value == "2015-16"
    assert at.sidebar.radio(key="scope").value == "Whole service"


def test_the_numbers_behind_a_chart_have_thousands_separators(fixture_db, make_app):
    import json
    at = open_numbers(make_app(fixture_db, fy="2015-16", scope="Bexley"))
    (table,) = [d for d in at.dataframe if "Change (%)" in d.value.columns]
    columns = json.loads(table.proto.columns)
    assert columns["2015-16"]["type_config"]["format"] == "localized", columns


def test_the_default_year_is_the_latest_with_published_figures(seed_db, make_app):
    """2017-18 is complete on the seed but entirely modelled (and runs past the shared service): the default
    is 2016-17, Bexley's last CIPFA return; choosing 2017-18 says every figure of it is an estimate."""
    at = make_app(seed_db)
    year = at.sidebar.selectbox(key="fy")
    assert year.value == "2016-17"
    assert at.title[0].value == "Whole service: 2016-17 at a glance"
    assert not [w.value for w in at.warning if "No return publishes" in w.value]
    assert "2017-18 (modelled)" in year.options and "2016-17" in year.options
    at = make_app(seed_db, fy="2017-18")
    assert ("No return publishes any figure for 2017-18: every number shown for it is a modelled estimate (◆), "
            "not a count.") in [w.value for w in at.warning]


def test_the_pages_folder_workaround_is_still_needed():
    """The product brief fixes the folder name pages/, which Streamlit reads as an old-style multipage app
    until st.navigation first runs (filters.current reruns once through dashboard.py; conftest's
    _NavigationPagesManager does the same for AppTest). This fails when an upgrade drops that behaviour,
    and the workaround can go."""
    from pathlib import Path

    from streamlit.runtime.pages_manager import PagesManager
    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = None
        PagesManager(str(Path(__file__).resolve().parent.parent / "dashboard.py"))
        assert PagesManager.uses_pages_directory is True, "Streamlit no longer treats pages/ as a multipage folder"
    finally:
        PagesManager.uses_pages_directory = saved
