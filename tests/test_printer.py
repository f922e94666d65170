"""The dashboard's PDF printer: Chromium kept running between board packs (report.Printer), and still honest.

Which bugs these catch: a printer that starts Chromium again for every pack (no saving at all), one that keeps
a dead browser and fails every pack after a crash, one that prints from a browser whose Chromium has been
removed without saying so, and a second pack from a warm browser that loses the contents' page numbers.
"""
from __future__ import annotations

import io
import re
import shutil

import pypdf
import pytest

from libstats import db, report
from libstats.content import appraisal as content


@pytest.fixture(scope="module")
def year(seed_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("printer") / "library.duckdb"
    shutil.copy(seed_db, path)
    database = db.Database(path)
    yield content.build(database.run, "2015-16")
    database.close()


@pytest.fixture
def printer():
    made = report.Printer()
    yield made
    made.close()


def contents_numbers(pdf: bytes) -> list[str]:
    """The page numbers the contents page gives for the five sections."""
    first = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    return re.findall(r"^\d\. .*? (\d+)$", first, flags=re.M)


def test_packs_after_the_first_print_with_the_same_chromium_and_number_their_contents(year, printer):
    printer.warm().result(timeout=60)
    browser = printer._browser
    assert browser is not None and browser.is_connected(), "warm() starts Chromium ahead of the first pack"
    first = report.build_pdf(year, {}, printer=printer)
    second = report.build_pdf(year, {"summary": "Visits held up."}, printer=printer)
    assert printer._browser is browser, "the second pack is printed by the browser already running"
    alone = report.build_pdf(year, {})          # a fresh Chromium, closed after: what the command line does
    assert contents_numbers(first) == contents_numbers(alone) and len(contents_numbers(first)) == 5
    assert first[:5] == b"%PDF-" and "Visits held up." in "\n".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(second)).pages)


def test_a_browser_that_died_is_started_again(year, printer):
    report.build_pdf(year, {}, printer=printer)
    printer._thread.submit(lambda: printer._browser.close()).result(timeout=30)      # Chromium crashed
    pdf = report.build_pdf(year, {}, printer=printer)
    assert len(contents_numbers(pdf)) == 5 and printer._browser.is_connected()


def test_a_running_printer_still_says_when_chromium_has_gone(year, printer, monkeypatch):
    report.build_pdf(year, {}, printer=printer)
    monkeypatch.setattr(report, "CHROMIUM", "/nowhere/chromium")
    with pytest.raises(report.PackError, match="^PDF packs are printed by Chromium, which is not installed here"):
        report.build_pdf(year, {}, printer=printer)
