"""Bad and hostile input: refused with its row and column in bounded time, or read as a person meant it; plain
messages on the command line, never a traceback; nothing written."""
from __future__ import annotations

import contextlib
import io
import shutil
import time

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from libstats import cli, db, importer
from tests.test_importer import IMPORTS, TODAY, snapshot

LONG_HEADER = "month,borough,branch,metric,value\n"


@pytest.fixture
def database(fixture_db, tmp_path):
    path = tmp_path / "library.duckdb"
    shutil.copy(fixture_db, path)
    d = db.Database(path)
    yield d
    d.close()


def check(database, name: str, content: bytes) -> importer.Plan:
    return importer.validate(database, importer.read_file(name, content), today=TODAY)


def problems(plan) -> list[str]:
    return [str(p) for p in plan.problems]


def run_cli(*args: str):
    result = CliRunner().invoke(cli.main, list(args))
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit)), \
        result.output
    return result


def test_a_total_in_the_middle_of_the_file_is_skipped_and_the_rows_after_it_are_read(database):
    content = (b"month,branch,visits\n2016-04,Crayford,510\n2016-04,Central (Bexleyheath),990\n"
               b"Total Bexley,,1500\n2016-04,Central (Bromley),2100\nNotes: counted by door counters\n")
    parsed = importer.read_file("subtotal.csv", content)
    assert sorted(parsed.records["branch_text"]) == ["Central (Bexleyheath)", "Central (Bromley)", "Crayford"]
    assert parsed.notes == ["Row 4 looks like a total or a note within the data: skipped, and the rows after it "
                            "read; Row 6 (totals or notes below the data) was ignored."]
    assert check(database, "subtotal.csv", content).summary() == \
        "subtotal.csv: 3 figures to add, 0 to change, 0 unchanged."


@pytest.mark.parametrize("header,twice,columns", [
    ("month,borough,branch,metric,value,value", "value", "E and F"),
    ("month,borough,branch,metric,value,month", "month", "A and F"),
    ("branch,month,borough,metric,value,branch", "branch", "A and F"),
])
def test_a_column_named_twice_is_refused_with_both_letters(header, twice, columns):
    content = f"{header}\n2016-04,Bexley,Crayford,visits,510,1\n".encode()
    with pytest.raises(importer.FileNotUnderstood) as refused:
        importer.read_file("twice.csv", content)
    assert str(refused.value) == (f"twice.csv: the header (row 1) has “{twice}” twice, in columns {columns}: keep "
                                  "one of them and load the file again.")


def test_a_utf16_file_is_read_as_text(database):
    text = LONG_HEADER + "2016-04,Bexley,Crayford,visits,510\n"
    plan = check(database, "unicode.csv", text.encode("utf-16"))
    assert plan.summary() == "unicode.csv: 1 figure to add, 0 to change, 0 unchanged."
    assert "unicode.csv was saved as UTF-16 text; it was read as such." in plan.notes


@pytest.mark.parametrize("length", [131_073, 400_000])
def test_a_very_long_cell_is_refused_with_its_row_and_column(database, length):
    content = (LONG_HEADER + "2016-04,Bexley,Crayford,visits,510\n" + f"2016-05,Bexley,{'x' * length},visits,1\n").encode()
    try:
        plan = check(database, "long_cell.csv", content)
    except importer.FileNotUnderstood as refused:     # the csv module's own limit: refused while reading
        assert str(refused).startswith("Row 3, column C: a cell is too long")
        return
    assert problems(plan) == [f"Row 3, column “branch”: This cell is {length:,} characters long: no figure, name or "
                              "date needs more than 1,000."]


def test_the_command_line_refuses_a_long_cell_plainly(database, tmp_path):
    path = tmp_path / "long_cell.csv"
    path.write_text(LONG_HEADER + f"2016-05,Bexley,{'x' * 131_073},visits,1\n")
    result = run_cli("import", str(path), "--db", str(database.path), "--dry-run")
    assert result.exit_code == 1 and "This cell is 131,073 characters long" in result.output


@pytest.mark.parametrize("metric,value,most", [
    ("visits", "1e308", "2,678,400 (one visit a second, day and night, for a whole month)"),
    ("website_visits", "1e308", "1,000,000,000 (any measure of one branch in one month)"),
    ("pc_hours_used", "800000", "744,000 (1,000 computers in use every hour of a month)"),
])
def test_an_impossible_figure_is_a_problem_not_a_warning(database, metric, value, most):
    label = database.run("metric_catalogue").set_index("metric").at[metric, "label"]
    plan = check(database, "huge.csv", (LONG_HEADER + f"2016-04,Bexley,Crayford,{metric},{value}\n").encode())
    assert problems(plan) == [f"Row 2, column “value”: {value} is not a plausible figure for {label}: the most there "
                              f"could be is {most}."]


def workbook(rows: int, cols: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Return")
    sheet.append(["month", "branch", "metric", "value"] + [f"note {i}" for i in range(cols - 4)])
    for i in range(rows):
        sheet.append(["2016-04", "Crayford", "visits", i] + ["x"] * (cols - 4))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_spreadsheet_past_the_cell_limit_is_refused_as_soon_as_it_passes_it(monkeypatch):
    monkeypatch.setattr(importer, "MAX_SHEET_CELLS", 20_000)
    content = workbook(rows=5_000, cols=40)              # 200,000 cells: ten times the limit
    started = time.perf_counter()
    with pytest.raises(importer.FileNotUnderstood) as refused:
        importer.read_file("big.xlsx", content)
    refusing = time.perf_counter() - started
    assert str(refused.value).startswith("big.xlsx has more than 20,000 cells (reading stopped in sheet “Return” "
                                         "at row 501): a spreadsheet that large should be saved as CSV")
    # Stopping at the limit, not reading the whole sheet and then counting: measured against reading all of it
    # in the same run (a ratio, so a busy machine does not fail it; a wall-clock limit did).
    monkeypatch.setattr(importer, "MAX_SHEET_CELLS", 10_000_000)
    started = time.perf_counter()
    with contextlib.suppress(importer.ImporterError):
        importer.read_file("big.xlsx", content)
    reading_all = time.perf_counter() - started
    assert refusing < 0.5 * reading_all, f"it stopped reading at the limit ({refusing:.2f} s against {reading_all:.2f} s for all)"


def test_a_spreadsheet_that_expands_too_far_is_refused_before_it_is_opened(monkeypatch):
    monkeypatch.setattr(importer, "MAX_UNZIPPED", 10_000)
    with pytest.raises(importer.FileNotUnderstood, match=r"^bomb.xlsx expands to \d+ MB when opened, more than the 0 MB a monthly return needs"):
        importer.read_file("bomb.xlsx", workbook(rows=2_000, cols=10))


def test_thousands_of_problems_are_listed_200_at_a_time(database, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text(LONG_HEADER + "".join(f"2016-04,Bexley,Nowhere {i},visits,1\n" for i in range(500)))
    result = run_cli("import", str(path), "--db", str(database.path), "--dry-run")
    assert result.exit_code == 1
    assert result.output.count("  Problem: ") == 200
    assert "  … and 300 more problems (the first 200 are listed; the Data page's upload offers every one as a " \
           "download)." in result.output


def test_the_data_page_shows_200_problems_and_offers_every_one(fixture_db, make_app, tmp_path):
    from tests.conftest import account, shown, signed_in
    from tests.test_data_page import upload
    path = tmp_path / "library.duckdb"
    shutil.copy(fixture_db, path)
    account(path, "Sam Librarian", "librarian", ["Bexley"])
    at = signed_in(make_app(path, fy="2015-16"), path, "Sam Librarian")
    at.switch_page("pages/data.py").run()
    content = (LONG_HEADER + "".join(f"2016-04,Bexley,Nowhere {i},visits,1\n" for i in range(500))).encode()
    at = upload(at, "many.csv", content)
    assert at.error[0].value.startswith("500 problems: nothing from this file will be imported")
    grid = [d.value for d in at.dataframe if "What is wrong" in d.value.columns][0]
    assert len(grid) == 200 and grid.iloc[0]["Row"] == 2
    assert "The first 200 are shown, and 300 more: the download has every one." in [shown(c.value) for c in at.caption]
    assert "Download every problem (CSV)" in [b.proto.label for b in at.get("download_button")]


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_text("not a database\n"), "is not a database this dashboard can read"),
    (lambda p: duckdb.connect(str(p)).close(), "is not a warehouse built by this dashboard"),
])
def test_a_db_that_is_not_a_warehouse_is_a_plain_sentence(tmp_path, make, message):
    path = tmp_path / "other.duckdb"
    make(path)
    for args in (["import", str(IMPORTS / "long.csv")], ["report", "--fy", "2015-16", "--format", "html", "--out",
                                                          str(tmp_path / "p.html")], ["undo-import", "1"]):
        result = run_cli(*args, "--db", str(path))
        assert result.exit_code == 1 and message in result.output, (args, result.output)
    assert not db.entries_path(path).exists(), "no entries store is made beside a file that is not a warehouse"


def test_a_report_into_a_folder_that_cannot_be_written_is_a_plain_sentence(fixture_db, tmp_path):
    path = tmp_path / "library.duckdb"
    shutil.copy(fixture_db, path)
    (tmp_path / "reports").write_text("a file where the folder should be")
    out = tmp_path / "reports" / "pack.html"
    result = run_cli("report", "--fy", "2015-16", "--format", "html", "--out", str(out), "--db", str(path))
    assert result.exit_code == 1 and f"Error: The pack could not be written to {out}: " in result.output


def test_a_disk_that_fills_during_an_import_says_so_and_writes_nothing(fixture_db, tmp_path, monkeypatch):
    import getpass

    from tests.conftest import account
    path = tmp_path / "library.duckdb"
    shutil.copy(fixture_db, path)
    account(path, getpass.getuser())           # the command line imports as an account named as the login
    before = snapshot(path)
    real = db.Transaction.run

    def full(self, name, **params):
        if name == "merge_entered_figures":           # as DuckDB raises it when the disk fills mid-write
            raise duckdb.IOException("IO Error: No space left on device")
        return real(self, name, **params)
    monkeypatch.setattr(db.Transaction, "run", full)
    result = run_cli("import", str(IMPORTS / "long.csv"), "--db", str(path), "--accept-warnings", "ok")
    assert result.exit_code == 1
    assert "The import could not be written (IO Error: No space left on device). Nothing was imported: every write " \
           "is one transaction." in result.output
    monkeypatch.undo()
    after = snapshot(path)
    for table in before:
        assert before[table].equals(after[table]), table


def test_the_dashboard_says_plainly_when_the_command_line_holds_the_database(fixture_db, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT, _fresh_streamlit_caches
    from tests.test_importer import holding
    path = tmp_path / "library.duckdb"
    shutil.copy(fixture_db, path)
    db.Database(path).close()
    monkeypatch.setenv("LIBSTATS_DB", str(path))
    with holding(path):
        _fresh_streamlit_caches()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
        assert not at.exception
        assert [e.value for e in at.error] == [
            "Another program, most likely an import or a build from the command line, has the statistics database "
            "open. The dashboard opens as soon as it has finished: reload this page in a moment."]
    _fresh_streamlit_caches()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.error and at.title, "once the other program has finished, the dashboard opens"
    _fresh_streamlit_caches()


def test_a_file_that_takes_too_long_to_check_is_stopped_and_says_so(database, monkeypatch):
    monkeypatch.setattr(importer, "TIME_BUDGET", 0.0)
    parsed_content = (LONG_HEADER + "2016-04,Bexley,Crayford,visits,510\n").encode()
    with pytest.raises(importer.FileNotUnderstood) as stopped:
        check(database, "slow.csv", parsed_content)
    assert str(stopped.value).startswith("slow.csv took more than 0 seconds to read and check")
    assert str(stopped.value).endswith("split it into smaller files, or save a spreadsheet as CSV.")
