"""The annual appraisal: page, commentary, targets, meeting mode and the board pack in both formats."""
from __future__ import annotations

import io
import re
import shutil
from collections import Counter

import pypdf
import pytest

from libstats import appraisal, auth, db, report
from libstats.content import appraisal as content
from tests.conftest import account, shown, signed_in
from tools import seedgen

YEARS = seedgen.FYS


@pytest.fixture(scope="module")
def seed_copy(seed_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("appraisal") / "library.duckdb"
    shutil.copy(seed_db, path)
    database = db.Database(path)
    yield database
    database.close()


@pytest.fixture(scope="module")
def packs(seed_copy):
    """Both formats for every seeded year, built once."""
    built = {}
    for fy in YEARS:
        year = content.build(seed_copy.run, fy)
        built[fy] = (year, report.build_html(year), report.build_pdf(year))
    return built


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def printed_words(year: appraisal.Appraisal) -> Counter:
    """Every word and number the printed pack shows as text (not the charts' own labels), as often as shown."""
    words = Counter()
    for section in year.sections:
        for text in (section.title, *section.sentences, *(summary for _, _, summary, _ in section.charts)):
            words.update(text.split())
        for name, table in section.tables:
            if table.empty:
                words.update(f"{name}: none.".split())          # an empty table is said in words
                continue
            grid = report._grid(name, table)
            words.update(name.split())
            for column in grid["columns"]:
                words.update(column["name"].split())
            for row in grid["rows"]:
                for cell in row:
                    words.update(cell.text.split())
    return words


@pytest.mark.parametrize("fy", YEARS)
def test_both_formats_carry_the_headline_numbers(packs, fy):
    year, html, pdf = packs[fy]
    pages = pdf_text(pdf)
    text = "\n".join(pages)
    assert year.headline_numbers, "the summary has figures"
    for name, number in year.headline_numbers.items():
        assert number in html, (fy, name)
        assert number in text, (fy, name)
    contents = pages[0].split("Contents\n", 1)[1]
    for title in appraisal.SECTIONS.values():
        match = re.search(rf"^{re.escape(title)} (\d+)$", contents, re.M)
        assert match, f"{title} and its page are in the contents"
        assert title in pages[int(match[1]) - 1].splitlines(), f"{title} starts on the page the contents gives"
    assert "1. 1." not in text and "1. 1." not in html
    assert all(f"page {i} of {len(pages)}" in p for i, p in enumerate(pages, start=1)), "every page is numbered"


@pytest.mark.parametrize("fy", YEARS)
def test_the_pdf_breaks_no_number_or_word_across_lines(packs, fy):
    """Every word and number of the sentences and tables comes out of the PDF whole, as often as it is shown."""
    year, _, pdf = packs[fy]
    extracted = Counter("\n".join(pdf_text(pdf)).split())
    short = {w: (n, extracted[w]) for w, n in printed_words(year).items() if extracted[w] < n}
    assert not short, f"{fy}: broken or missing (shown, found): {short}"
    grouped = re.compile(r"[(£+\-−]*\d{1,3}(,\d{3})*(\.\d+)?%?[.,;:)]*")
    broken = [w for w in extracted if "," in w.rstrip(",") and re.fullmatch(r"[(£+\-−]*[\d,][\d,.]*%?[.,;:)]*", w)
              and not grouped.fullmatch(w)]
    assert not broken, f"{fy}: numbers cut in two: {broken}"


@pytest.mark.parametrize("fy", YEARS)
def test_the_published_and_modelled_markers_survive(packs, fy):
    year, html, pdf = packs[fy]
    text = "\n".join(pdf_text(pdf))
    shown = printed_words(year)
    assert shown["✓"] + shown["◆"] > 0, "the tables mark where their figures come from"
    for marker in "✓◆◐":
        assert text.count(marker) == html.count(marker) == shown[marker], (fy, marker)


@pytest.mark.parametrize("fy", YEARS)
def test_the_pdf_has_no_mostly_empty_page(packs, fy):
    """A few full A4 pages: every page but the last is filled at least half way down (text or a chart's labels)."""
    _, _, pdf = packs[fy]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    # 2010-11 has no year before it to compare, and says so in one sentence: two pages
    assert (2 if fy == YEARS[0] else 3) <= len(reader.pages) <= 6, len(reader.pages)
    for number, page in enumerate(reader.pages[:-1], start=1):
        height = float(page.mediabox.height)
        lowest = [height]

        def visit(text, cm, tm, font, size, lowest=lowest, height=height):
            y = (tm[5] * cm[3] + cm[5]) if text.strip() else height
            if y > 20 * 72 / 25.4:                           # the footer's line is not content
                lowest[0] = min(lowest[0], y)
        page.extract_text(visitor_text=visit)
        assert lowest[0] < height / 2, f"{fy}: page {number} is mostly empty"


def test_a_table_that_spans_pages_repeats_its_heading_row(packs):
    import copy

    import pandas as pd
    year = copy.deepcopy(packs["2016-17"][0])
    long = pd.DataFrame({"Library name": [f"Library {i:03d}" for i in range(150)],
                         "Visits counted": [f"{1000 + 7 * i:,}" for i in range(150)],
                         "Where it stands": ["a long explanation of where this library stands " * 2] * 150})
    year.sections[2].tables.append(("Every library", long))
    pages = pdf_text(report.build_pdf(year))
    spanned = [p for p in pages if re.search(r"Library \d{3}", p)]
    assert len(spanned) >= 3, "the table runs over several pages"
    for page in spanned:
        first_row = re.search(r"Library \d{3}", page).start()
        assert "Library name Visits counted Where it stands" in page[:first_row], "the heading row tops every page"
    assert sum(len(re.findall(r"Library \d{3}", p)) for p in pages) == 150, "every row once, none cut"


def test_a_pdf_that_cannot_be_printed_says_so_plainly(packs, monkeypatch):
    monkeypatch.setattr(report, "CHROMIUM", "/nowhere/chromium")
    with pytest.raises(report.PackError, match="^PDF packs are printed by Chromium, which is not installed here"):
        report.build_pdf(packs["2015-16"][0])


def test_published_figures_appear_exactly(packs):
    _, html, pdf = packs["2015-16"]
    for number in ("1,024,069", "781,565", "1,321,413", "1,310,904"):
        assert number in html and number in "\n".join(pdf_text(pdf))


def test_the_pack_follows_the_before_and_after_rules(packs):
    """No uplift for a closure, a change of scope or a borough-wide event; the seed's own setting said first."""
    year, html, pdf = packs["2012-13"]
    said = next(s for s in year.sections if s.key == "what_happened").sentences
    assert any(s.startswith("No before-and-after estimate for “Old Crayford Library closes”: It is a closure: a library "
                            "has no figures while it is shut, so there is no 'after' to measure; its reopening (“New "
                            "Crayford Library opens”, November 2012) is analysed as an event of its own.") for s in said)
    # The board met in June 2013: five months after the opening were known, not the twelve the estimate needs.
    assert ("No before-and-after estimate for “New Crayford Library opens”: The figures available end in March 2013, "
            "5 months after it: a full 12 months after are needed.") in said
    assert "No before-and-after estimate for" in "\n".join(pdf_text(pdf)).replace("\n", " ")
    said = next(s for s in packs["2016-17"][0].sections if s.key == "what_happened").sentences
    assert any(s.startswith("No before-and-after estimate for “Four Bexley libraries move to community management”: "
                            "Branches left Bexley's return") for s in said)
    said = next(s for s in packs["2017-18"][0].sections if s.key == "what_happened").sentences
    assert any(s.startswith("No before-and-after estimate for “GLL takes over Bromley libraries”: It covered every "
                            "library in Bromley") for s in said)


def test_the_html_pack_loads_nothing_from_the_network(packs):
    _, html, _ = packs["2015-16"]
    tags = re.findall(r"<(?:script|link|img|iframe)[^>]*>", html)
    assert all("src=" not in t and "href=" not in t for t in tags), tags[:5]
    assert html.count("<script>") == 1 + sum(len(s.charts) for s in packs["2015-16"][0].sections), \
        "plotly.js once, then one small script a chart"
    assert "cdn.plot.ly" not in html.split("</head>")[1]
    assert "@import" not in html and "url(http" not in html


def test_commentary_is_text_never_html(seed_copy):
    appraisal.save_commentary(seed_copy, "2015-16", "summary", "<script>alert('board')</script> A hard year.",
                              account(seed_copy, "Head of service", "head_of_service"))
    notes = seed_copy.run("commentary_for_year", fy="2015-16")
    assert notes.iloc[0]["written_by"] == "Head of service"
    year = content.build(seed_copy.run, "2015-16")
    html = report.build_html(year, {"summary": notes.iloc[0]["body"]})
    assert "&lt;script&gt;alert(&#39;board&#39;)&lt;/script&gt; A hard year." in html
    assert "<script>alert(" not in html
    with pytest.raises(auth.Refused, match="Sign in first"):
        appraisal.save_commentary(seed_copy, "2015-16", "summary", "text", None)


def test_the_page_shows_commentary_as_text(fixture_db, make_app, tmp_path):
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    database = db.Database(path)
    appraisal.save_commentary(database, "2015-16", "summary", "<b>bold?</b> <script>x()</script>",
                              account(database, "Jo Bloggs", "head_of_service"))
    database.close()
    at = make_app(path, fy="2015-16")
    at.switch_page("pages/appraisal.py").run()
    assert not at.exception and not at.error
    assert [h.value for h in at.header] == ["1. Summary", "The board pack"], "one section at a time"
    assert at.text[0].value == "<b>bold?</b> <script>x()</script>"
    assert any(shown(c.value).startswith("Head of service, written by Jo Bloggs on ") for c in at.caption)


def test_targets_for_next_year_are_edited_and_checked(fixture_db, tmp_path):
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    database = db.Database(path)
    edited = appraisal.editable_targets(database.run, "2016-17")
    assert edited.empty
    import pandas as pd
    table = pd.DataFrame({"Measure": ["Visits", "PC utilisation (%)"], "Scope": ["Bexley", "Service"], "Target": [17500, 35]})
    jo = account(database, "Jo Bloggs", "head_of_service")
    assert appraisal.save_targets(database, "2016-17", table, jo) == 2
    stored = database.run("targets_for", metric="pc_utilisation", scope="Service")
    assert stored.iloc[0]["value"] == 0.35 and stored.iloc[0]["provenance"] == "set"
    assert appraisal.editable_targets(database.run, "2016-17")["Target"].tolist() == [35.0, 17500.0]
    bad = pd.DataFrame({"Measure": ["Visits"], "Scope": ["Lewisham"], "Target": [1]})
    with pytest.raises(ValueError, match="Row 1: the scope must be Service, Bexley or Bromley, not 'Lewisham'"):
        appraisal.save_targets(database, "2016-17", bad, jo)
    assert len(database.run("targets_in_year", fy="2016-17")) == 2, "a rejected edit changes nothing"
    database.close()


def test_meeting_mode_steps_through_the_sections(fixture_db, make_app):
    at = make_app(fixture_db, fy="2015-16", meeting="on")
    at.switch_page("pages/appraisal.py").run()
    assert [h.value for h in at.header] == ["1. Summary"]
    assert any(m.value.startswith("**Annual appraisal 2015-16 · section 1 of 5**") for m in at.markdown)
    assert not [t for t in at.toggle if t.key == "meeting_toggle"], "no sidebar switch in meeting mode"
    at.button(key="appraisal_next").click().run()
    assert [h.value for h in at.header] == ["2. What happened"]
    assert at.query_params["section"] == "2"
    at.button(key="leave_meeting").click().run()
    assert "meeting" not in at.query_params
    assert [h.value for h in at.header] == ["1. Summary", "The board pack"]


def test_the_page_computes_only_the_section_that_is_open(fixture_db, make_app, monkeypatch):
    """Each section is a tab (issue 19): opening one computes that one, and nothing builds the whole pack
    until it is asked for."""
    asked, built = [], []
    one, whole = content.section, content.build
    monkeypatch.setattr(content, "section", lambda run, fy, key: asked.append(key) or one(run, fy, key))
    monkeypatch.setattr(content, "build", lambda run, fy: built.append(fy) or whole(run, fy))
    at = make_app(fixture_db, fy="2015-16")
    at.switch_page("pages/appraisal.py").run()
    assert [t.label for t in at.tabs] == list(appraisal.SECTIONS.values())
    assert asked == ["summary"] and built == []
    at.session_state["appraisal_section"] = "3. Borough and branch performance"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [h.value for h in at.header] == ["3. Borough and branch performance", "The board pack"]
    assert asked == ["summary", "performance"] and built == []
    at.button(key="build_html").click().run()
    assert built == ["2015-16"], "the pack builds every section"


def test_the_report_command_writes_both_formats(fixture_db, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from libstats.cli import main
    runner = CliRunner()
    shutil.copy(fixture_db, tmp_path / "db.duckdb")
    fixture_db = tmp_path / "db.duckdb"          # a copy: the app in this process may hold the original
    html = tmp_path / "pack.html"
    result = runner.invoke(main, ["report", "--fy", "2015-16", "--format", "html", "--out", str(html), "--db", str(fixture_db)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {html}" in result.output
    assert "18,000" in html.read_text(encoding="utf-8"), "Bexley's fixture visits"
    pdf = tmp_path / "pack.pdf"
    result = runner.invoke(main, ["report", "--fy", "2015-16", "--format", "pdf", "--out", str(pdf), "--db", str(fixture_db)])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    result = runner.invoke(main, ["report", "--fy", "2030-31", "--format", "pdf", "--out", str(pdf), "--db", str(fixture_db)])
    assert result.exit_code == 1
    assert "There are no figures for 2030-31: the warehouse holds 2014-15, 2015-16." in result.output
    monkeypatch.setattr(report, "CHROMIUM", "/nowhere/chromium")
    result = runner.invoke(main, ["report", "--fy", "2015-16", "--format", "pdf", "--out", str(pdf), "--db", str(fixture_db)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Error: PDF packs are printed by Chromium, which is not installed here" in result.output


def test_commentary_is_written_on_the_page_once_editing_is_switched_on(fixture_db, make_app, tmp_path):
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    account(path, "Jo Bloggs", "head_of_service")
    at = signed_in(make_app(path, fy="2015-16"), path, "Jo Bloggs")
    at.switch_page("pages/appraisal.py").run()
    assert not at.text_area, "the report reads without the forms until editing is switched on"
    at.toggle(key="appraisal_edit").set_value(True).run()
    assert [t.key for t in at.text_area] == ["commentary_text_summary"], "the open section's form"
    assert not [t for t in at.text_input if t.label == "Your name"], "who writes comes from the sign-in"
    at.text_area(key="commentary_text_summary").set_value("Visits held up despite the closures.")
    at.button[[b.label for b in at.button].index("Save the commentary")].click().run()
    assert not at.exception and not at.error
    assert at.text[0].value == "Visits held up despite the closures."
    assert any(shown(c.value).startswith("Head of service, written by Jo Bloggs on ") for c in at.caption)


def test_the_page_builds_both_packs_and_says_plainly_when_it_cannot(fixture_db, make_app, tmp_path, monkeypatch):
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    at = make_app(path, fy="2015-16")
    at.switch_page("pages/appraisal.py").run()
    at.button(key="build_html").click().run()
    at.button(key="build_pdf").click().run()
    assert not at.exception and not at.error
    assert [b.label for b in at.get("download_button")][-2:] == ["Download the HTML pack", "Download the PDF pack"]
    monkeypatch.setattr(report, "CHROMIUM", "/nowhere/chromium")
    at.button(key="build_pdf").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "PDF packs are printed by Chromium, which is not installed here (/nowhere/chromium): "
        "install Debian's chromium package."]


def test_the_vendored_plotly_bundle_is_plotly_pys_own_version():
    """The pack's plotly.js basic bundle must match the plotly.js that plotly.py writes figures for."""
    from plotly.offline import get_plotlyjs_version
    header = report.PLOTLY_BASIC.read_text(encoding="utf-8")[:200]
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in header, "run `make vendor-plotly`"


@pytest.fixture(scope="module")
def fixture_copy(fixture_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("appraisal_fixture") / "fixture.duckdb"
    shutil.copy(fixture_db, path)
    database = db.Database(path, read_only=True)
    yield database
    database.close()


@pytest.mark.parametrize("which, fy", [("fixture", "2015-16"), ("seed", "2014-15")])
def test_the_appraisal_says_what_the_year_on_year_page_says(request, which, fy):
    """Issue 14: the appraisal composes the pages' content, so it cannot drift from them. Its headline changes
    like for like are the Year on year page's tiles, and its drivers chart the page's drivers (the twelve
    biggest). 2014-15 in the seed has a merged unit, Penge (with Anerley), which both must count."""
    from libstats import catalogue, fiscal
    from libstats.content import year_on_year as yoy_page
    database = request.getfixturevalue("fixture_copy" if which == "fixture" else "seed_copy")
    previous = fiscal.previous_fy(fy)
    headline = content.section(database.run, fy, "summary").tables[0].frame
    for scope, borough in appraisal.SCOPES:
        for code, label in (("visits", "Visits"), ("book_issues", "Book issues")):
            page = yoy_page.summary(database.run, code, fy, previous, borough, scope, (), True)
            tile = next(t for t in page.tiles if t.label == f"Like for like, {fy}")
            row = headline[(headline["Scope"] == scope) & (headline["Measure"] == label)].iloc[0]
            assert row["Change like for like"].split("\u00a0")[0] == tile.delta.removesuffix(f" on {previous}"), \
                (scope, code)
    chart = next(c for c in content.section(database.run, fy, "performance").charts if c.key == "performance_drivers")
    _, _, drivers = yoy_page.branches(database.run, "visits", fy, previous, None, (), True)
    assert chart.table.to_dict("records") == drivers.table.head(12).to_dict("records")
    assert which == "fixture" or "Penge (with Anerley)" in set(drivers.table["Branch"])
    assert catalogue.WHOLE_SERVICE in set(headline["Scope"])
