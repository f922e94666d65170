"""Importing monthly returns: read a file, check it, show what it would change, write it, undo it. No Streamlit.

The upload page and `python -m libstats import` share this API:

    parsed = read_file(name, content, metric=None)      # raises FileNotUnderstood for an unreadable file
    plan = validate(db, parsed)                          # problems (block), warnings (need reasons), diff
    result = apply(db, plan, reasons, actor, name, parsed.checksum)    # actor: who asks (libstats.auth.Actor)
    undo(db, result.import_id, actor)

Both check, inside their own transaction, that the actor's account may do it (a librarian only figures of
their boroughs or branches, and only their own imports undone) and write the audit row in it.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from libstats import auth, quality
from libstats.db import Database
from libstats.quality import FigureWarning, month_name

Progress = Callable[[float, str], None]

# The name the page and the brief use for a plausibility warning (it shadows the builtin only here).
Warning = FigureWarning  # noqa: A001

SHAPE_LABELS = {
    "long": "one row per figure (month, borough, branch, metric, value)",
    "wide_by_metric": "one row per branch and month, one column per metric",
    "wide_by_month": "one row per branch, one column per month, for one metric",
    "library_data_visits": "library data schema: visits",
    "library_data_loans": "library data schema: loans",
}
EXPECTED_HEADERS = (
    "month, borough, branch, metric, value",
    "month, branch, visits, pc_hours_used, … (metric codes)",
    "Library, 2015-04, 2015-05, … (one metric, named when loading the file)",
    "Local authority, Library name, Count start, Count end, Count type, Visits",
    "Local authority, Library name, Count start, Count end, Type, Loans",
)
BLANKS = {"", "..", "-", "n/a", "na", "null", "none"}   # CIPFA writes '..' for unknown; missing is not zero
FOOTER = re.compile(r"^\s*(grand\s+total|totals?\b|notes?\b|source\b)", re.IGNORECASE)

# Limits on what one file may hold, checked while it is read, so a hostile or mistaken file is refused in
# bounded time and memory (the upload size itself is server.maxUploadSize in .streamlit/config.toml).
MAX_ROWS = 2_000_000                 # a whole national monthly return is about a million rows
MAX_SHEET_CELLS = 500_000            # cells read from a workbook, all sheets together (about 100,000 figures)
MAX_UNZIPPED = 200_000_000           # bytes a workbook may expand to (a compressed sheet can be tiny)
MAX_CELL = 1_000                     # characters in one cell: no figure, name or date needs more
SUGGESTED = 1_000                    # distinct unknown branch names given a "Did you mean …?"
TIME_BUDGET = 300.0                  # seconds reading and checking one file may take (a national return: ~15 s)
csv.field_size_limit(max(MAX_CELL * 200, 131_072))     # the csv module's own guard; longer cells are refused below
# The most a branch can plausibly report in one month, by measure (a figure above it is a problem, not a warning):
# visits at one a second, day and night, for 31 days; hours at 1,000 PCs open every hour; anything else 10^9.
CEILING = {"visits": 31 * 24 * 3600, "pc_hours_available": 31 * 24 * 1000, "pc_hours_used": 31 * 24 * 1000}
CEILING_WORDS = {"visits": "one visit a second, day and night, for a whole month",
                 "pc_hours_available": "1,000 computers open every hour of a month",
                 "pc_hours_used": "1,000 computers in use every hour of a month"}
ANY_CEILING = 1_000_000_000
MONTH_LIKE = re.compile(r"^\s*\d{4}-\d{1,2}(-\d{1,2})?(\s.*)?$")
WHOLE_UNITS = {"count", "people"}         # hours may have fractions; counts of things and people may not

BRANCH_HEADERS = {"branch", "library", "libraryname", "branchname"}
LOAN_TYPES_HELP = ("adult fiction, adult non-fiction, children's fiction, children's non-fiction (also written "
                   "“junior” or “child”), and AV and e-issues (eBook, eAudio, audiobook, eMagazine, DVD, CD)")


class ImporterError(Exception):
    """Something a person must put right; the message says what, in plain words."""


class FileNotUnderstood(ImporterError):
    """The file as a whole cannot be read: not CSV or Excel, no recognisable header, a metric is needed."""


class ImportRefused(ImporterError):
    """An import or undo that would be wrong: problems in the file, warnings without reasons, a stale plan."""


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file that blocks the import, with the spreadsheet row and the column."""
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return f"{quality._place(self.row, self.column)}{self.message}"


@dataclass
class ParsedFile:
    """A file read into one record per figure, with the layout recognised and any problems found reading it."""
    name: str
    checksum: str                 # sha256 of the bytes as uploaded
    shape: str                    # a key of SHAPE_LABELS
    header_row: int               # as a spreadsheet numbers it
    records: pd.DataFrame = field(repr=False)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheet: str | None = None

    @property
    def shape_label(self) -> str:
        return SHAPE_LABELS[self.shape]


@dataclass
class Plan:
    """What an import would do: figures added, changed (old -> new) and unchanged; problems; warnings."""
    file_name: str
    checksum: str
    shape: str
    added: pd.DataFrame           # row, borough, branch, month, metric, label, old_value, new_value
    changed: pd.DataFrame
    unchanged: pd.DataFrame
    problems: list[Problem]
    warnings: list[FigureWarning]
    notes: list[str] = field(default_factory=list)
    data_version: int | None = None
    previous_imports: list[int] = field(default_factory=list)   # earlier imports of the same bytes
    writes: pd.DataFrame | None = field(default=None, repr=False)   # added and changed, with old sources

    @property
    def ok(self) -> bool:
        """True if nothing blocks the import (warnings still need reasons)."""
        return not self.problems

    @property
    def nothing_to_change(self) -> bool:
        return self.ok and self.added.empty and self.changed.empty

    def missing_reasons(self, reasons: dict[str, str]) -> list[FigureWarning]:
        """The warnings that have no reason yet."""
        return [w for w in self.warnings if not (reasons.get(w.key) or "").strip()]

    def summary(self) -> str:
        """One sentence for the top of the page or the command line."""
        if self.problems:
            return (f"{self.file_name}: {plural(len(self.problems), 'problem')} found, so nothing can be imported. "
                    "Correct the file and load it again.")
        total = len(self.unchanged)
        if self.nothing_to_change:
            return (f"{self.file_name}: nothing to change: {_all_figures(total, 'in the file')} already in the "
                    "warehouse with the same values.")
        return (f"{self.file_name}: {plural(len(self.added), 'figure')} to add, {len(self.changed):,} to change, "
                f"{total:,} unchanged.")


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote; import_id is None when there was nothing to write."""
    import_id: int | None
    added: int
    changed: int
    unchanged: int
    message: str


@dataclass(frozen=True)
class UndoResult:
    """What undoing an import put back."""
    import_id: int
    restored: int        # figures given back the value the import had replaced
    removed: int         # figures the import had added, now gone again
    message: str


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 figure', '2,000 figures'."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def checksum_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _all_figures(n: int, where: str) -> str:
    """'the 1 figure in the file is', 'all 5 figures in the file are'."""
    return f"the 1 figure {where} is" if n == 1 else f"all {n:,} figures {where} are"


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), message)


class _Budget:
    """The time a file may take to read and check, looked at between steps: past it, the file is refused."""

    def __init__(self, name: str):
        self.name, self.started = name, time.monotonic()

    def check(self) -> None:
        spent = time.monotonic() - self.started
        if spent > TIME_BUDGET:
            raise FileNotUnderstood(
                f"{self.name} took more than {TIME_BUDGET:,.0f} seconds to read and check ({spent:,.0f} s), so it was "
                "stopped and nothing was imported: split it into smaller files, or save a spreadsheet as CSV.")


# ---------------------------------------------------------------------------------------------- reading

def read_file(name: str, content: bytes, metric: str | None = None,
              progress: Progress | None = None) -> ParsedFile:
    """Read a CSV or .xlsx return; the layout is told from its header row, never from the file name."""
    _report(progress, 0.0, f"Reading {name}")
    if not content or not content.strip():
        raise FileNotUnderstood(f"{name} is empty.")
    checksum = checksum_of(content)
    budget = _Budget(name)
    notes: list[str] = []
    content, encoding_note = _as_utf8(name, content)
    if encoding_note:
        notes.append(encoding_note)
    quick = _read_long_csv(content)
    if quick is not None:
        # A plain CSV of one row per figure (the common case, and the big one): read column by column.
        header, index, columns, records, skipped, footer_note = quick
        sheet, shape, problems, parser_notes = None, "long", [], []
        if footer_note:
            notes.append(footer_note)
        if metric:
            notes.append("The metric given was not needed: this file names its own metrics.")
    else:
        found = None
        for sheet, grid in _grids(name, content):
            header = _find_header(grid)
            if header is not None:
                found = (sheet, grid, header)
                break
        if found is None:
            raise FileNotUnderstood(
                f"No header row recognised in {name}. The file should have, perhaps below a title row or two, "
                "one of these headers: " + "; ".join(EXPECTED_HEADERS) + ".")
        sheet, grid, (index, shape, columns) = found
        body, footer_note = _body(grid, index)
        if footer_note:
            notes.append(footer_note)
        parser = {"long": _parse_long, "wide_by_metric": _parse_wide_by_metric,
                  "wide_by_month": _parse_wide_by_month, "library_data_visits": _parse_library_data,
                  "library_data_loans": _parse_library_data}[shape]
        if shape == "wide_by_month" and not (metric or "").strip():
            raise FileNotUnderstood(
                f"{name} has one column per month, so it holds a single measure: say which metric it is "
                "(for example visits) and load it again.")
        if metric and shape != "wide_by_month":
            notes.append("The metric given was not needed: this file names its own metrics.")
        _check_header(name, grid[index], index + 1)
        budget.check()
        # Each layout's parser gives (records, problems found reading, blank cells skipped, notes).
        records, problems, skipped, parser_notes = parser(grid[index], columns, body, index + 1, shape, metric)
    header_row = index + 1
    if quick is not None:
        _check_header(name, header, header_row)
    if len(records) > MAX_ROWS:
        raise FileNotUnderstood(f"{name} has {len(records):,} figures; one file may hold at most {MAX_ROWS:,}. "
                                "Split it, by year or by borough, and load the parts.")
    budget.check()
    records, long_cells = _without_long_cells(records)
    problems = list(problems) + long_cells
    notes += parser_notes
    if skipped:
        notes.append(f"{plural(skipped, 'blank cell')} {'was' if skipped == 1 else 'were'} skipped: "
                     "blank means no figure, not zero.")
    _report(progress, 1.0, f"Read {len(records):,} figures from {name}")
    return ParsedFile(name=name, checksum=checksum, shape=shape, header_row=header_row,
                      records=records, problems=problems, notes=notes, sheet=sheet)


def _as_utf8(name: str, content: bytes) -> tuple[bytes, str | None]:
    """A UTF-16 file (what Excel's "Unicode text" saves) as UTF-8, with a note; any other file as it is."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(content) > 3 and content[1:4:2] == b"\x00\x00"
                                                      and content[:4] != b"PK\x03\x04"):
        try:
            text = content.decode("utf-16" if content[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le")
        except UnicodeDecodeError:
            raise FileNotUnderstood(f"{name} looks like UTF-16 text but cannot be read as it: save it as CSV "
                                    "(UTF-8) or .xlsx and load it again.") from None
        return text.encode("utf-8"), f"{name} was saved as UTF-16 text; it was read as such."
    return content, None


def column_letter(index: int) -> str:
    """A spreadsheet's name for a column: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_header(name: str, header: list[str], header_row: int) -> None:
    """Refuse a header that names a column twice: which of the two holds the figures cannot be told."""
    seen: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = _norm(cell)
        if not key:
            continue
        if key in seen:
            first = seen[key]
            raise FileNotUnderstood(
                f"{name}: the header (row {header_row}) has “{cell.strip()}” twice, in columns "
                f"{column_letter(first)} and {column_letter(i)}: keep one of them and load the file again.")
        seen[key] = i


TEXT_CELLS = (("branch_text", "branch_col", "row"), ("borough_text", "borough_col", "row"),
              ("month_text", "month_col", "month_row"), ("metric_text", "metric_col", "metric_row"),
              ("value_text", "value_col", "row"))


def _without_long_cells(records: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Records with a cell longer than MAX_CELL characters are taken out, each named as a problem once."""
    if records.empty:
        return records, []
    long = pd.Series(False, index=records.index)
    problems = []
    for text, col, row in TEXT_CELLS:
        lengths = records[text].fillna("").astype(str).str.len()
        hit = lengths > MAX_CELL
        if hit.any():
            for r in records[hit].drop_duplicates([row, col]).itertuples():
                problems.append(Problem(int(getattr(r, row)), getattr(r, col), (
                    f"This cell is {len(getattr(r, text)):,} characters long: no figure, name or date needs more "
                    f"than {MAX_CELL:,}.")))
            long |= hit
    return (records[~long], problems) if problems else (records, [])


def _grids(name: str, content: bytes) -> Iterable[tuple[str | None, list[list[str]]]]:
    """The file's sheets as rows of text cells (a CSV is one sheet); told apart by content, not name."""
    if content[:4] == b"PK\x03\x04":
        yield from _workbook_grids(name, content)
        return
    if content[:4] == b"\xd0\xcf\x11\xe0":
        raise FileNotUnderstood(f"{name} is an old-style Excel file (.xls): save it as .xlsx or CSV and load it again.")
    yield None, _csv_grid(content)


def _workbook_grids(name: str, content: bytes) -> Iterable[tuple[str | None, list[list[str]]]]:
    """Each sheet of an .xlsx as rows of text, streamed (openpyxl's read-only mode) and stopped at the limits."""
    import zipfile

    import openpyxl
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expands = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise FileNotUnderstood(f"{name} could not be read as an Excel workbook (it is not a complete .xlsx file).") from None
    if expands > MAX_UNZIPPED:
        raise FileNotUnderstood(f"{name} expands to {expands / 1e6:,.0f} MB when opened, more than the "
                                f"{MAX_UNZIPPED / 1e6:,.0f} MB a monthly return needs: save it as CSV and load that.")
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileNotUnderstood(f"{name} could not be read as an Excel workbook ({exc}).") from None
    cells = 0
    try:
        for sheet in book.worksheets:
            grid = []
            for values in sheet.iter_rows(values_only=True):
                cells += len(values)
                if cells > MAX_SHEET_CELLS:
                    raise FileNotUnderstood(
                        f"{name} has more than {MAX_SHEET_CELLS:,} cells (reading stopped in sheet “{sheet.title}” "
                        f"at row {len(grid) + 1:,}): a spreadsheet that large should be saved as CSV, which "
                        f"takes up to {MAX_ROWS:,} figures.")
                grid.append([_cell_text(v) for v in values])
            while grid and not any(grid[-1]):
                grid.pop()
            width = max((len(r) for r in grid), default=0)
            yield sheet.title, [r + [""] * (width - len(r)) for r in grid]
    finally:
        book.close()


def _decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV and its delimiter (comma, semicolon or tab: whichever is commonest near the top)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")    # what Excel on Windows saves as "CSV"
    sample = text[:20000]
    return text, max((",", ";", "\t"), key=sample.count)


def _csv_grid(content: bytes) -> list[list[str]]:
    text, delimiter = _decode(content)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 100:
                raise FileNotUnderstood(f"The file has more than {MAX_ROWS:,} rows; one file may hold at most "
                                        f"{MAX_ROWS:,} figures. Split it, by year or by borough, and load the parts.")
    except csv.Error as exc:
        line = text.splitlines()[reader.line_num - 1] if reader.line_num else ""
        cells = line.split(delimiter)
        column = next((column_letter(i) for i, c in enumerate(cells) if len(c) > MAX_CELL), None)
        where = f"Row {reader.line_num}" + (f", column {column}" if column else "")
        raise FileNotUnderstood(f"{where}: a cell is too long or its quotes are not closed ({exc}). No figure, name "
                                f"or date needs more than {MAX_CELL:,} characters.") from None
    return rows


def _read_long_csv(content: bytes):
    """A CSV of one row per figure read column by column, or None for anything else (read cell by cell then).

    Gives (header cells, header index, header columns, records, blank values skipped, footer note). Rows are
    numbered as a spreadsheet numbers them: the header is found among the first 50 rows as for any file, and
    the rows below it are read with pyarrow, every cell as text, so blank rows and quoted line breaks count
    exactly as the csv module counts them. Anything pyarrow will not read as a plain table (a row with more or
    fewer cells than the header, an empty line, which pyarrow would drop) takes the cell-by-cell path instead.
    """
    if content[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return None
    text, delimiter = _decode(content)
    try:
        head, ends = _head_rows(text, delimiter, 50)
    except csv.Error:
        return None
    found = _find_header(head)
    if found is None or found[1] != "long":
        return None
    index, _, columns = found
    header = head[index]
    body = text[ends[index]:]
    inner = body.rstrip("\r\n")
    if not inner.strip() or inner.startswith(("\n", "\r\n")) or "\n\n" in inner or "\n\r\n" in inner:
        return None                      # nothing below the header, or an empty line: the careful path
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=True),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values='"' in body),
            convert_options=pa_csv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    cells = [pc.utf8_trim_whitespace(table.column(n)) for n in names]
    rows = np.arange(index + 2, index + 2 + table.num_rows, dtype="int64")    # as a spreadsheet numbers them
    filled = [pc.not_equal(c, "").to_numpy(zero_copy_only=False) for c in cells]
    first = cells[-1]
    for cell, has in zip(reversed(cells), reversed(filled)):
        first = pc.if_else(pa.array(has), cell, first)            # each row's first non-blank cell
    nonblank = np.logical_or.reduce(filled)
    footer = pc.match_substring_regex(first, FOOTER.pattern, ignore_case=True).to_numpy(zero_copy_only=False)
    keep, footer_note = _footer(nonblank, footer & nonblank, rows)
    m, k, v = columns["month"], columns["metric"], columns["value"]
    b, bo = columns["branch"], columns.get("borough")
    value = cells[v]
    blank_value = pc.is_in(pc.utf8_lower(value), value_set=pa.array(sorted(BLANKS))).to_numpy(zero_copy_only=False)
    skipped = int((keep & blank_value).sum())
    take = pa.array(np.flatnonzero(keep & ~blank_value))
    n = len(take)

    def text_of(i: int) -> pd.Series:
        return pd.Series(cells[i].take(take).to_pandas(), dtype=object) if n else pd.Series([], dtype=object)

    row = rows[np.flatnonzero(keep & ~blank_value)]
    records = pd.DataFrame({
        "row": row, "branch_text": text_of(b), "branch_col": header[b].strip(),
        "borough_text": text_of(bo) if bo is not None else "", "borough_col": header[bo].strip() if bo is not None else None,
        "month_text": text_of(m), "month_row": row, "month_col": header[m].strip(),
        "metric_text": text_of(k), "metric_row": row, "metric_col": header[k].strip(),
        "value_text": text_of(v), "value_col": header[v].strip(),
        "month_checked": False, "metric_checked": False,
    }, columns=RECORD_COLUMNS)
    return header, index, columns, records, skipped, footer_note


def _footer(nonblank: np.ndarray, footer: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Which rows hold figures. Totals and notes below the last figure are left out, as before; a totals or
    notes row within the data is skipped and the rows after it are read (they used to be dropped unseen).
    The note names the rows left out."""
    data = nonblank & ~footer
    if not data.any():
        return data, None
    last = int(np.flatnonzero(data)[-1])
    within = footer & (np.arange(len(rows)) < last)
    said = []
    if within.any():
        said.append(f"{_row_list(rows[within])} {'looks' if within.sum() == 1 else 'look'} like a total or a note "
                    "within the data: skipped, and the rows after it read")
    below = np.flatnonzero(nonblank & (np.arange(len(rows)) > last))
    if len(below):
        one = len(below) == 1 or below[0] == below[-1]
        span = f"Row {rows[below[0]]}" if one else f"Rows {rows[below[0]]} to {rows[below[-1]]}"
        said.append(f"{span} (totals or notes below the data) {'was' if one else 'were'} ignored")
    return data, ("; ".join(said) + ".") if said else None


def _row_list(numbers) -> str:
    numbers = [int(n) for n in numbers]
    if len(numbers) == 1:
        return f"Row {numbers[0]}"
    shown = ", ".join(str(n) for n in numbers[:10]) + (f" and {len(numbers) - 10:,} more" if len(numbers) > 10 else "")
    return f"Rows {shown}"


def _head_rows(text: str, delimiter: str, limit: int) -> tuple[list[list[str]], list[int]]:
    """The first rows of a CSV as the csv module reads them, and where in the text each one ends."""
    consumed = 0

    def lines():
        nonlocal consumed
        while consumed < len(text):
            end = text.find("\n", consumed)
            end = len(text) if end < 0 else end + 1
            line, consumed = text[consumed:end], end
            yield line

    rows, ends = [], []
    for row in csv.reader(lines(), delimiter=delimiter):
        rows.append(row)
        ends.append(consumed)
        if len(rows) >= limit:
            break
    return rows, ends


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person sees: 12 not 12.0, dates as 2015-04-01."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else format(float(value), ".15g")
    return str(value).strip()


def _norm(text: str) -> str:
    """A header cell reduced to letters and digits: 'Count start', 'countStart', 'count_start' -> 'countstart'."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _find_header(grid: list[list[str]]) -> tuple[int, str, dict[str, int]] | None:
    """The first row (of the first 50) that is one of the accepted headers: title rows above are skipped."""
    for index, row in enumerate(grid[:50]):
        found = _classify(row)
        if found is not None:
            return index, found[0], found[1]
    return None


def _classify(row: list[str]) -> tuple[str, dict[str, int]] | None:
    """Which accepted layout a header row is, and where its columns are."""
    cells = [_norm(c) for c in row]
    at = {c: i for i, c in reversed(list(enumerate(cells))) if c}
    names = set(at)
    if {"localauthority", "libraryname"} <= names:
        dated = {"countstart", "countend"} <= names or "month" in names
        if dated and "visits" in names:
            return "library_data_visits", at
        if dated and {"type", "loans"} <= names:
            return "library_data_loans", at
    branch = next((c for c in cells if c in BRANCH_HEADERS), None)
    if branch and {"month", "metric", "value"} <= names:
        return "long", {**at, "branch": at[branch]}
    if branch and "month" in names and len([c for c in cells if c]) > 2 + ("borough" in names):
        return "wide_by_metric", {**at, "branch": at[branch]}
    first = next((i for i, c in enumerate(cells) if c), None)
    if first is not None and cells[first] in BRANCH_HEADERS and any(MONTH_LIKE.match(c) for c in row[first + 1:]):
        return "wide_by_month", {"branch": first}
    return None


def _body(grid: list[list[str]], header: int) -> tuple[list[tuple[int, list[str]]], str | None]:
    """The data rows below the header with their spreadsheet row numbers (see _footer for totals and notes)."""
    below = range(header + 1, len(grid))
    firsts = [next((c for c in grid[i] if c.strip()), "") for i in below]
    numbers = np.array([i + 1 for i in below], dtype="int64")
    nonblank = np.array([bool(f) for f in firsts], dtype=bool)
    footer = np.array([bool(FOOTER.match(f)) for f in firsts], dtype=bool)
    keep, note = _footer(nonblank, footer, numbers)
    return [(int(numbers[k]), grid[header + 1 + k]) for k in np.flatnonzero(keep)], note


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i].strip() if i is not None and i < len(cells) else ""


RECORD_COLUMNS = ["row", "branch_text", "branch_col", "borough_text", "borough_col", "month_text", "month_row",
                  "month_col", "metric_text", "metric_row", "metric_col", "value_text", "value_col",
                  "month_checked", "metric_checked"]


def _records(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    frame["month_checked"] = frame["month_checked"].eq(True)
    frame["metric_checked"] = frame["metric_checked"].eq(True)
    return frame


def _base(row: int, cells: list[str], header: list[str], cols: dict[str, int]) -> dict:
    """The parts of a record every row-per-branch layout shares: branch and borough."""
    b, bo = cols.get("branch"), cols.get("borough")
    return {"row": row, "branch_text": _cell(cells, b), "branch_col": header[b].strip(),
            "borough_text": _cell(cells, bo), "borough_col": header[bo].strip() if bo is not None else None}


def _parse_long(header, cols, body, header_row, shape, metric):
    out, skipped = [], 0
    m, k, v = cols["month"], cols["metric"], cols["value"]
    for row, cells in body:
        if _cell(cells, v).lower() in BLANKS:
            skipped += 1
            continue
        out.append({**_base(row, cells, header, cols),
                    "month_text": _cell(cells, m), "month_row": row, "month_col": header[m].strip(),
                    "metric_text": _cell(cells, k), "metric_row": row, "metric_col": header[k].strip(),
                    "value_text": _cell(cells, v), "value_col": header[v].strip()})
    return _records(out), [], skipped, []


def _parse_wide_by_metric(header, cols, body, header_row, shape, metric):
    taken = {cols["month"], cols["branch"], cols.get("borough")}
    metric_cols = [i for i, h in enumerate(header) if i not in taken and h.strip()]
    out, skipped = [], 0
    m = cols["month"]
    for row, cells in body:
        base = {**_base(row, cells, header, cols),
                "month_text": _cell(cells, m), "month_row": row, "month_col": header[m].strip()}
        for i in metric_cols:
            value = _cell(cells, i)
            if value.lower() in BLANKS:
                skipped += 1
                continue
            name = header[i].strip()
            out.append({**base, "metric_text": name, "metric_row": header_row, "metric_col": name,
                        "value_text": value, "value_col": name})
    return _records(out), [], skipped, []


def _parse_wide_by_month(header, cols, body, header_row, shape, metric):
    b = cols["branch"]
    month_cols = [i for i, h in enumerate(header) if i > b and h.strip() and not FOOTER.match(h)]
    totals = [h.strip() for i, h in enumerate(header) if i > b and h.strip() and FOOTER.match(h)]
    notes = [f"The “{t}” column was ignored: totals are worked out from the months." for t in totals]
    out, skipped = [], 0
    for row, cells in body:
        base = {"row": row, "branch_text": _cell(cells, b), "branch_col": header[b].strip(),
                "borough_text": "", "borough_col": None,
                "metric_text": metric.strip(), "metric_row": None, "metric_col": None}
        for i in month_cols:
            value = _cell(cells, i)
            if value.lower() in BLANKS:
                skipped += 1
                continue
            name = header[i].strip()
            out.append({**base, "month_text": name, "month_row": header_row, "month_col": name,
                        "value_text": value, "value_col": name})
    return _records(out), [], skipped, notes


def _parse_library_data(header, cols, body, header_row, shape, metric):
    """The library data schema (LibrariesHacked/DCMS): one count per row over a period, which must be a month."""
    visits = shape == "library_data_visits"
    v = cols["visits"] if visits else cols["loans"]
    out, problems, skipped = [], [], 0
    months: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}
    for row, cells in body:
        if _cell(cells, v).lower() in BLANKS:
            skipped += 1
            continue
        record = {**_base(row, cells, header, {"branch": cols["libraryname"], "borough": cols["localauthority"]}),
                  "value_text": _cell(cells, v), "value_col": header[v].strip()}
        if "countstart" in cols and "countend" in cols:
            s, e = cols["countstart"], cols["countend"]
            key = (_cell(cells, s), _cell(cells, e))
            if key not in months:
                months[key] = _count_month(*key, header[s].strip(), header[e].strip())
            month, column, message = months[key]
            record.update(month_text=month, month_row=row, month_col=column or header[s].strip())
        else:
            month, column, message = _cell(cells, cols["month"]), None, None
            record.update(month_text=month, month_row=row, month_col=header[cols["month"]].strip())
        if message:
            problems.append(Problem(row, column, message))
            record["month_checked"] = True
        if visits:
            record.update(metric_text="visits", metric_row=header_row, metric_col=header[v].strip())
        else:
            t = cols["type"]
            code = loan_metric(_cell(cells, t))
            record.update(metric_text=code or _cell(cells, t), metric_row=row, metric_col=header[t].strip())
            if code is None:
                problems.append(Problem(row, header[t].strip(), (
                    f"“{_cell(cells, t)}” is not a loan type we can match to a metric. "
                    f"Accepted types: {LOAN_TYPES_HELP}.")))
                record["metric_checked"] = True
        out.append(record)
    return _records(out), problems, skipped, []


def parse_date(text: str) -> dt.date | None:
    """A date written 2015-04-01 or 01/04/2015 (day first, as in the UK); None if it is not one."""
    text = text.strip()
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _count_month(start_text: str, end_text: str, start_col: str, end_col: str):
    """The month a count covers: (YYYY-MM, None, None), or (None, column, problem) if it is not one month."""
    start, end = parse_date(start_text), parse_date(end_text)
    for date, text, col in ((start, start_text, start_col), (end, end_text, end_col)):
        if not text:
            return None, col, "The date is missing: write dates as 2015-04-01 or 01/04/2015."
        if date is None:
            return None, col, f"“{text}” is not a date: write dates as 2015-04-01 or 01/04/2015."
    last = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    if start.day != 1 or end != last:
        return None, end_col, (f"The count from {start_text} to {end_text} does not cover exactly one calendar "
                               "month: give one row per month, from its first day to its last.")
    return start.strftime("%Y-%m"), None, None


def loan_metric(loan_type: str) -> str | None:
    """Our metric for a loans Type of the library data schema ('Adult Fiction' -> issues_adult_fiction)."""
    words = re.sub(r"[^a-z]+", " ", loan_type.lower().replace("non-fiction", "nonfiction")
                   .replace("non fiction", "nonfiction")).split()
    text = " ".join(words)
    if re.search(r"\b(e ?books?|e ?audio\w*|audio ?books?|e ?magazines?|e ?news\w*|e ?comics?|e ?issues?|"
                 r"dvds?|cds?|videos?|music|audio ?visual|av|digital|spoken word|talking books?)\b", text):
        return "issues_av_e"
    adult = bool(re.search(r"\badults?\b", text))
    child = bool(re.search(r"\b(child|children|childrens|junior|juniors|kids|young)\b", text))
    kind = "nonfiction" if "nonfiction" in words else ("fiction" if "fiction" in words else None)
    if kind and adult != child:
        return f"issues_{'adult' if adult else 'children'}_{kind}"
    return None


# ---------------------------------------------------------------------------------------------- the catalogue

@dataclass
class Catalogue:
    """Branches, aliases, boroughs, opening periods and metrics: everything a file is checked against."""
    branches: pd.DataFrame
    aliases: dict[str, str]
    boroughs: pd.DataFrame
    periods: pd.DataFrame
    metrics: pd.DataFrame

    @classmethod
    def load(cls, db: Database) -> "Catalogue":
        aliases = db.run("import_branch_aliases")
        return cls(
            branches=db.run("import_branches"),
            aliases={_name_key(a): b for a, b in zip(aliases["alias"], aliases["branch"])},
            boroughs=db.run("import_boroughs"),
            periods=db.run("import_branch_periods"),
            metrics=db.run("import_metrics"),
        )

    def __post_init__(self) -> None:
        self.labels = dict(zip(self.metrics["metric"], self.metrics["label"]))
        self.units = dict(zip(self.metrics["metric"], self.metrics["unit"]))
        self.info = {r["branch"]: r for r in _records_of(self.branches)}
        # Every way a branch may be named, lower case -> branches (a short name like 'Central' may be several).
        self.names: dict[str, set[str]] = {}
        for b in self.info.values():
            for name in (b["branch"], b["short_name"]):
                self.names.setdefault(_name_key(name), set()).add(b["branch"])
        for alias, branch in self.aliases.items():
            self.names.setdefault(alias, set()).add(branch)
        self.metric_names: dict[str, str] = {}
        for code, label in self.labels.items():
            for name in (code, code.replace("_", " "), label):
                self.metric_names.setdefault(_name_key(name), code)
        self.grains = dict(zip(self.metrics["metric"], self.metrics["grain"]))
        self.periods_of: dict[str, list[dict]] = {}
        for period in _records_of(self.periods.sort_values("valid_from")):
            self.periods_of.setdefault(period["branch"], []).append(period)
        self._spans: dict[str, list] = {}
        self.borough_answers: dict[str, tuple[str | None, str | None]] = {}   # resolve_borough, once per text

    def branch_borough(self, branch: str) -> str:
        return self.info[branch]["borough"]

    def spans(self, branch: str) -> list[tuple[pd.Timestamp, pd.Timestamp | None]]:
        """open_spans, worked out once per branch."""
        if branch not in self._spans:
            self._spans[branch] = open_spans(self, branch)
        return self._spans[branch]


def _records_of(frame: pd.DataFrame) -> list[dict]:
    """frame.to_dict("records"), a column at a time (to_dict is slow on thousands of rows)."""
    columns = {c: frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns}
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _name_key(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower())


def _either(names: list[str]) -> str:
    """'A', 'A or B', 'A, B or C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def resolve_borough(cat: Catalogue, text: str) -> tuple[str | None, str | None]:
    """The borough a file names ('Bexley', 'London Borough of Bexley', 'E5032'), or a problem."""
    if text not in cat.borough_answers:
        cat.borough_answers[text] = _resolve_borough(cat, text)
    return cat.borough_answers[text]


def _resolve_borough(cat: Catalogue, text: str) -> tuple[str | None, str | None]:
    key = _name_key(text)
    for b, full, code in cat.boroughs[["borough", "full_name", "flas_code"]].itertuples(index=False):
        if key in (b.lower(), full.lower(), code.lower()):
            return b, None
    named = [b for b in cat.boroughs["borough"] if re.search(rf"\b{re.escape(b.lower())}\b", key)]
    if len(named) == 1:
        return named[0], None     # 'Bexley Council', 'Bexley Libraries'
    return None, f"“{text}” is not a borough of this service: use {_either(list(cat.boroughs['borough']))}."


def resolve_branch(cat: Catalogue, text: str, borough_text: str = "",
                   suggest: bool = True) -> tuple[str | None, str | None, bool]:
    """(branch, problem, whether the problem is the borough's) for a name, via aliases, full and short names.

    suggest: look for close spellings of an unknown name (slow: done for the first names only)."""
    if not text.strip():
        return None, "The branch is missing.", False
    borough = None
    if borough_text.strip():
        borough, problem = resolve_borough(cat, borough_text)
        if problem:
            return None, problem, True
    candidates = _branch_candidates(cat, _name_key(text))
    if not candidates and _name_key(text).endswith(" library"):
        candidates = _branch_candidates(cat, _name_key(text)[: -len(" library")])
    if borough is not None:
        inside = [c for c in candidates if cat.branch_borough(c) == borough]
        if candidates and not inside:
            where = _either(sorted({cat.branch_borough(c) for c in candidates}))
            return None, f"“{text}” is in {where}, not {borough}.", True
        candidates = inside
    if len(candidates) == 1:
        return candidates[0], None, False
    if len(candidates) > 1:
        return None, (f"“{text}” could be {_either(sorted(candidates))}: give the full name or fill in the "
                      "borough."), False
    return None, _unknown_branch(cat, text, suggest), False


def _branch_candidates(cat: Catalogue, key: str) -> list[str]:
    return sorted(cat.names.get(key, ()))


def _unknown_branch(cat: Catalogue, text: str, suggest: bool = True) -> str:
    close = difflib.get_close_matches(_name_key(text), list(cat.names), n=6, cutoff=0.6) if suggest else []
    suggestions = list(dict.fromkeys(b for c in close for b in sorted(cat.names[c])))[:3]
    if suggestions:
        return f"“{text}” is not a branch we know. Did you mean {_either(suggestions)}?"
    return f"“{text}” is not a branch we know. Check the spelling against the list of branches."


def resolve_metric(cat: Catalogue, text: str) -> tuple[str | None, str | None]:
    """The metric a code or label means ('visits', 'Visits', 'PC hours used'), or a problem."""
    if not text.strip():
        return None, "The metric is missing."
    key = _name_key(text)
    code = cat.metric_names.get(key)
    if code is None:
        monthly = [c for c, g in cat.grains.items() if g == "monthly"]
        close = difflib.get_close_matches(key.replace(" ", "_"), monthly, n=3, cutoff=0.6)
        if close:
            return None, f"“{text}” is not a metric we know. Did you mean {_either(close)}?"
        return None, f"“{text}” is not a metric we know. Use a metric code from the glossary, e.g. visits."
    label = cat.labels[code]
    if cat.grains[code] != "monthly":
        return None, f"{label} ({code}) is an annual figure: only monthly figures can be imported."
    return code, None


MONTH_NAMES = ("%Y-%m", "%b %Y", "%B %Y", "%b-%y", "%b %y")


def parse_month(text: str) -> pd.Timestamp | None:
    """A month written 2015-04 (or 2015-04-01, as Excel stores it, or Apr 2015); None if it is not one."""
    text = re.sub(r"[ T]00:00(:00)?$", "", text.strip())
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-01)?", text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        return pd.Timestamp(year, month, 1) if 1 <= month <= 12 and year >= 1900 else None
    for pattern in MONTH_NAMES[1:]:
        try:
            return pd.Timestamp(dt.datetime.strptime(text, pattern).replace(day=1))
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------------------------------------- open months

def open_spans(cat: Catalogue, branch: str) -> list[tuple[pd.Timestamp, pd.Timestamp | None]]:
    """The stretches a branch was open and in its borough's return: (first day, last day or None)."""
    spans: list[list] = []
    for p in cat.periods_of.get(branch, []):
        # A digital library has no opening hours (null): it is "open" whenever it has a period.
        is_open = pd.isna(p["weekly_hours"]) or float(p["weekly_hours"]) > 0
        start = pd.Timestamp(p["valid_from"])
        end = None if pd.isna(p["valid_to"]) else pd.Timestamp(p["valid_to"])
        if not is_open:
            continue
        if spans and spans[-1][1] is not None and spans[-1][1] + pd.Timedelta(days=1) >= start:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    info = cat.info[branch]
    limits = [pd.Timestamp(d) for d in (info["closed"], info["reports_until"]) if not pd.isna(d)]
    first = None if pd.isna(info["opened"]) else pd.Timestamp(info["opened"])
    out = []
    for start, end in spans:
        if first is not None:
            start = max(start, first)
        for limit in limits:
            end = limit if end is None else min(end, limit)
        if end is None or end >= start:
            out.append((start, end))
    return out


def _spans_text(spans) -> str:
    parts = []
    for start, end in spans:
        if end is None:
            parts.append(f"from {month_name(start)}")
        elif (start.year, start.month) == (end.year, end.month):
            parts.append(f"in {month_name(start)}")
        else:
            parts.append(f"from {month_name(start)} to {month_name(end)}")
    return " and ".join(parts)


def _closed_problem(cat: Catalogue, branch: str, month: pd.Timestamp) -> str | None:
    """Why a branch cannot have figures for a month, or None if it was open then."""
    month_end = month + pd.offsets.MonthEnd(0)
    spans = cat.spans(branch)
    if any(start <= month_end and (end is None or end >= month) for start, end in spans):
        return None
    info = cat.info[branch]
    reports_until = None if pd.isna(info["reports_until"]) else pd.Timestamp(info["reports_until"])
    if reports_until is not None and month > reports_until and pd.isna(info["closed"]):
        return (f"{branch} was not in {info['borough']}’s return in {month_name(month)}: its figures stop after "
                f"{month_name(reports_until)}.")
    if not spans:
        return f"{branch} was not open in {month_name(month)}: we have no opening hours for it."
    return f"{branch} was not open in {month_name(month)}: it was open {_spans_text(spans)}."


# ---------------------------------------------------------------------------------------------- validating

def validate(db: Database, parsed: ParsedFile, today: dt.date | None = None,
             progress: Progress | None = None) -> Plan:
    """Check every figure before anything is written: all problems at once, the warnings, and the diff."""
    today = today or dt.date.today()
    _report(progress, 0.0, "Checking branches, months, metrics and values")
    budget = _Budget(parsed.name)
    version = db.data_version()
    cat = Catalogue.load(db)
    rec = parsed.records.copy()
    problems = list(parsed.problems)
    bad = pd.Series(False, index=rec.index)

    rec["branch"], rec["borough"], found = _resolve_branches(cat, rec)
    problems += found
    bad |= rec["branch"].isna()
    rec["metric"], found = _resolve_metrics(cat, rec)
    problems += found
    bad |= rec["metric"].isna()
    rec["month"], found = _resolve_months(rec, today)
    problems += found
    bad |= rec["month"].isna()
    rec["value"], value_bad, found = _resolve_values(cat, rec)
    problems += found
    bad |= value_bad
    budget.check()
    _report(progress, 0.4, "Looking for figures given twice and branches that were closed")
    dup_bad, found = _duplicates(cat, rec)
    problems += found
    bad |= dup_bad
    closed_bad, found = _closed(cat, rec)
    problems += found
    bad |= closed_bad

    good = rec[~bad]
    budget.check()
    _report(progress, 0.6, "Comparing with the figures already stored")
    stored = _stored(db, good)
    diff = _diff(cat, good, stored)
    budget.check()
    _report(progress, 0.8, "Running the plausibility checks")
    figures = diff.rename(columns={"new_value": "value", "value_col": "column"}).assign(
        changes=lambda d: d["status"] != "unchanged")
    warnings = quality.check(figures[["row", "column", "branch", "month", "metric", "value", "changes"]],
                             stored, cat.labels)
    columns = ["row", "borough", "branch", "month", "metric", "label", "old_value", "new_value"]
    part = {s: diff.loc[diff["status"] == s, columns].reset_index(drop=True) for s in ("added", "changed", "unchanged")}
    writes = diff.loc[diff["status"] != "unchanged", ["row", "branch", "month", "metric", "old_value",
                                                      "old_provenance", "old_import_id", "new_value"]]
    previous = _previous_imports(db, parsed.checksum)
    notes = list(parsed.notes)
    if previous:
        notes.append("This file was imported before (import " + ", ".join(str(i) for i in previous) + ").")
    _report(progress, 1.0, "Checked")
    return Plan(file_name=parsed.name, checksum=parsed.checksum, shape=parsed.shape,
                added=part["added"], changed=part["changed"], unchanged=part["unchanged"],
                problems=_sorted_unique(problems), warnings=warnings, notes=notes,
                data_version=version, previous_imports=previous, writes=writes.reset_index(drop=True))


def _sorted_unique(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.row if p.row is not None else 0,))


def _factorize(*columns: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """Codes for the distinct combinations of some text columns (missing as ''), and those combinations."""
    codes, uniques = None, []
    for column in columns:
        c, u = pd.factorize(column.fillna("").to_numpy(dtype=object), use_na_sentinel=False)
        if codes is None:
            codes, uniques = c.astype("int64"), [(x,) for x in u]
        else:
            codes, combos = pd.factorize(codes * len(u) + c, sort=False)
            uniques = [uniques[k // len(u)] + (u[k % len(u)],) for k in combos]
    return codes, uniques


def _rows_with(codes: np.ndarray, failing: list[int], rec: pd.DataFrame) -> pd.DataFrame:
    """The records whose distinct value (by code) is one of the failing ones."""
    return rec[np.isin(codes, np.asarray(failing, dtype="int64"))]


def _resolve_branches(cat: Catalogue, rec: pd.DataFrame):
    """Branch and borough of every record, looking each distinct name up once."""
    codes, pairs = _factorize(rec["branch_text"], rec["borough_text"])
    # Close spellings are looked for among the first SUGGESTED names only, so a file of a million made-up
    # names is refused in seconds (each look-up compares the name with every branch's).
    answers = [resolve_branch(cat, t, b, suggest=i < SUGGESTED) for i, (t, b) in enumerate(pairs)]
    branch = pd.Series(np.array([a[0] for a in answers] + [None], dtype=object)[codes], index=rec.index,
                       dtype=object)
    borough = pd.Series(np.array([None if a[0] is None else cat.info[a[0]]["borough"] for a in answers] + [None],
                                 dtype=object)[codes], index=rec.index, dtype=object)
    problems = []
    failing = [i for i, a in enumerate(answers) if a[0] is None]
    if failing:
        hit = _rows_with(codes, failing, rec)
        for r, code in zip(hit.itertuples(), codes[np.isin(codes, failing)]):
            _, message, about_borough = answers[code]
            problems.append(Problem(r.row, r.borough_col if about_borough else r.branch_col, message))
        # the same order as looking the names up one by one: each failing name, then its rows
        order = {code: i for i, code in enumerate(failing)}
        keyed = sorted(zip((order[c] for c in codes[np.isin(codes, failing)]), range(len(problems)), problems))
        problems = [p for _, _, p in keyed]
    return branch, borough, problems


def _resolve_metrics(cat: Catalogue, rec: pd.DataFrame):
    codes, texts = _factorize(rec["metric_text"])
    answers = [resolve_metric(cat, t) for (t,) in texts]
    metric = pd.Series(np.array([a[0] for a in answers] + [None], dtype=object)[codes], index=rec.index, dtype=object)
    problems = []
    failing = rec[metric.isna().to_numpy() & ~rec["metric_checked"].to_numpy()]
    if not failing.empty:
        for r in failing.drop_duplicates(["metric_row", "metric_col", "metric_text"]).itertuples():
            message = resolve_metric(cat, r.metric_text or "")[1]
            if r.metric_row is None or pd.isna(r.metric_row):
                message = f"The metric given for this file: {message}"
            problems.append(Problem(None if pd.isna(r.metric_row) else int(r.metric_row), r.metric_col, message))
    return metric, problems


def _month_answer(text: str, this_month: pd.Timestamp) -> tuple[pd.Timestamp | None, str | None]:
    month = parse_month(text) if text else None
    if not text:
        return None, "The month is missing."
    if month is None:
        return None, f"“{text}” is not a month: write months as YYYY-MM, e.g. 2015-04."
    if month > this_month:
        return None, (f"{month_name(month)} is in the future (this month is {month_name(this_month)}). "
                      "Is the year a typo?")
    return month, None


def _resolve_months(rec: pd.DataFrame, today: dt.date):
    this_month = pd.Timestamp(today.year, today.month, 1)
    codes, texts = _factorize(rec["month_text"])
    answers = {t: _month_answer(t, this_month) for (t,) in texts}
    found = pd.DatetimeIndex([answers[t][0] for (t,) in texts], dtype="datetime64[ns]").to_numpy()
    months = pd.Series(found[codes] if len(texts) else found[:0], index=rec.index, dtype="datetime64[ns]")
    problems = []
    failing = rec[months.isna().to_numpy() & ~rec["month_checked"].to_numpy()]
    if not failing.empty:
        for r in failing.drop_duplicates(["month_row", "month_col", "month_text"]).itertuples():
            problems.append(Problem(int(r.month_row), r.month_col, answers[r.month_text or ""][1]))
    return months, problems


THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")


def _numbers(text: pd.Series) -> pd.Series:
    """Numbers as typed ('1,234' is 1234); NaN for anything that is not one."""
    cleaned = text
    commas = text.str.contains(",", regex=False).to_numpy(dtype=bool)
    if commas.any():
        cleaned = text.copy()
        cleaned[commas] = text[commas].str.replace(THOUSANDS, "", regex=True)
    try:   # the quick way when every value is a plain number; pandas decides whenever one is not
        values = pc.cast(pa.array(cleaned.to_numpy(dtype=object), type=pa.string()), pa.float64())
        return pd.Series(values.to_numpy(zero_copy_only=False), index=text.index, dtype=float)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(cleaned, errors="coerce").astype(float)


def _resolve_values(cat: Catalogue, rec: pd.DataFrame):
    """Numbers as typed ('1,234' is 1234); non-numeric, negative and fractional counts are problems."""
    text = rec["value_text"].fillna("").astype(object).astype(str).str.strip()
    values = _numbers(text)
    not_number = values.isna() | ~np.isfinite(values)
    negative = ~not_number & (values < 0)
    units = rec["metric"].map(cat.units)
    fraction = ~not_number & ~negative & units.isin(WHOLE_UNITS) & (values % 1 != 0)
    ceiling = rec["metric"].map(CEILING).fillna(ANY_CEILING).astype(float)
    too_big = ~not_number & ~negative & (values > ceiling)
    problems = []
    for r in rec[too_big].itertuples():
        why = CEILING_WORDS.get(r.metric, "any measure of one branch in one month")
        problems.append(Problem(r.row, r.value_col, (
            f"{text[r.Index]} is not a plausible figure for {cat.labels.get(r.metric, r.metric)}: the most there "
            f"could be is {ceiling[r.Index]:,.0f} ({why}).")))
    for r in rec[not_number].itertuples():
        problems.append(Problem(r.row, r.value_col, f"“{text[r.Index]}” is not a number."))
    for r in rec[negative].itertuples():
        problems.append(Problem(r.row, r.value_col, f"{text[r.Index]} is negative: a figure cannot be below zero."))
    labels = cat.labels
    for r in rec[fraction].itertuples():
        problems.append(Problem(r.row, r.value_col, (
            f"{text[r.Index]} is not a whole number: {labels[r.metric]} must be whole numbers "
            "(only hours may have fractions).")))
    return values, not_number | negative | fraction | too_big, problems


MONTH_SPAN = 1 << 14          # month numbers (from 1970, offset below) fit in 14 bits; branches and metrics above


def _figure_keys(frame: pd.DataFrame, branches: pd.Index, metrics: pd.Index) -> np.ndarray:
    """One int64 per (branch, month, metric), the same in every frame coded with the same branches and metrics."""
    b = branches.get_indexer(frame["branch"]).astype("int64")
    m = metrics.get_indexer(frame["metric"]).astype("int64")
    month = frame["month"].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype("int64") + MONTH_SPAN // 2
    return (b * MONTH_SPAN + month) * (len(metrics) + 1) + m


def _duplicates(cat: Catalogue, rec: pd.DataFrame):
    """The second and later rows giving the same branch, month and metric."""
    keyed = rec.dropna(subset=["branch", "month", "metric"])
    key = pd.Series(_figure_keys(keyed, pd.Index(keyed["branch"].unique()), pd.Index(keyed["metric"].unique())),
                    index=keyed.index)
    dup = key.duplicated(keep="first")
    bad = pd.Series(False, index=rec.index)
    bad[dup[dup].index] = True
    problems = []
    if dup.any():
        first = keyed.groupby(key)["row"].transform("first")
        labels = cat.labels
        for r in keyed[dup].itertuples():
            problems.append(Problem(r.row, r.value_col, (
                f"{r.branch}, {labels[r.metric]} for {month_name(r.month)} is also on row {first[r.Index]}: "
                "give each figure once.")))
    return bad, problems


def _closed(cat: Catalogue, rec: pd.DataFrame):
    """Figures for a month in which the branch was not open (or not in its borough's return)."""
    keyed = rec.dropna(subset=["branch", "month"])
    codes, pairs = _factorize(keyed["branch"], keyed["month"].astype("int64"))
    pairs = pd.DataFrame([(b, m) for b, m in pairs], columns=["branch", "month"])
    pairs["month"] = pairs["month"].astype("datetime64[ns]")
    # Open if the month overlaps any stretch the branch was open: one vectorised test over every pair.
    spans = pd.DataFrame([(b, start, end) for b in pairs["branch"].unique() for start, end in cat.spans(b)],
                         columns=["branch", "start", "end"])
    spans["start"] = pd.to_datetime(spans["start"]).astype("datetime64[ns]")
    spans["end"] = pd.to_datetime(spans["end"]).astype("datetime64[ns]")
    tested = pairs.reset_index().merge(spans, on="branch", how="inner")
    month_end = (tested["month"].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]") + 1).astype(
        "datetime64[ns]") - np.timedelta64(1, "D")
    overlaps = (tested["start"].to_numpy() <= month_end) & (tested["end"].isna() | (tested["end"] >= tested["month"]))
    is_open = np.zeros(len(pairs), dtype=bool)
    is_open[tested.loc[overlaps.to_numpy(), "index"].to_numpy()] = True
    messages = np.array([None] * len(pairs), dtype=object)
    for i in np.flatnonzero(~is_open):
        messages[i] = _closed_problem(cat, pairs.at[i, "branch"], pairs.at[i, "month"])
    bad = pd.Series(False, index=rec.index)
    problems = []
    shut = np.flatnonzero(~is_open & (messages != None))  # noqa: E711 (elementwise)
    if len(shut):
        hit = np.isin(codes, shut)
        bad[keyed.index[hit]] = True
        problems = [Problem(r.row, r.month_col if r.month_row == r.row else r.value_col, messages[code])
                    for r, code in zip(keyed[hit].itertuples(), codes[hit])]
    return bad, problems


def _stored(db: Database, good: pd.DataFrame) -> pd.DataFrame:
    """The stored figures of the file's branches and metrics, every month (one query for the whole file)."""
    if good.empty:
        return pd.DataFrame({"branch": pd.Series([], dtype=object), "month": pd.Series([], dtype="datetime64[ns]"),
                             "metric": pd.Series([], dtype=object), "value": pd.Series([], dtype=float),
                             "provenance": pd.Series([], dtype=object), "import_id": pd.Series([], dtype="Int64")})
    stored = db.run("import_figures", branches=sorted(good["branch"].unique()),
                    metrics=quality.metrics_needed(good["metric"].unique()))
    stored["month"] = pd.to_datetime(stored["month"]).astype("datetime64[ns]")
    return stored


def _diff(cat: Catalogue, good: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """Each valid figure of the file against what is stored: added, changed or unchanged."""
    diff = good[["row", "borough", "branch", "month", "metric", "value", "value_col"]].rename(
        columns={"value": "new_value"}).reset_index(drop=True)
    branches = pd.Index(pd.unique(np.concatenate([diff["branch"].to_numpy(dtype=object),
                                                  stored["branch"].to_numpy(dtype=object)])))
    metrics = pd.Index(pd.unique(np.concatenate([diff["metric"].to_numpy(dtype=object),
                                                 stored["metric"].to_numpy(dtype=object)])))
    # (branch, month, metric) is stored once (the primary key) and given once in a valid file: a lookup
    at = pd.Index(_figure_keys(stored, branches, metrics)).get_indexer(_figure_keys(diff, branches, metrics))
    found = at >= 0
    old = stored.iloc[np.where(found, at, 0)].reset_index(drop=True) if len(stored) else None
    def taken(column: str, dtype) -> pd.Series:
        if old is None:
            return pd.Series([None] * len(diff), dtype=dtype)
        return old[column].astype(dtype).where(found, None if dtype is object else pd.NA)
    diff["old_value"] = taken("value", "Float64").astype(float)
    diff["old_provenance"] = taken("provenance", object)
    diff["old_import_id"] = taken("import_id", "Int64")
    same = np.isclose(diff["new_value"], diff["old_value"], rtol=0, atol=1e-9)
    diff["status"] = np.where(diff["old_value"].isna(), "added", np.where(same, "unchanged", "changed"))
    diff["label"] = diff["metric"].map(cat.labels)
    return diff.sort_values("row", kind="stable").reset_index(drop=True)


def _previous_imports(db: Database, checksum: str) -> list[int]:
    history = db.run("import_history")
    done = history[(history["checksum"] == checksum) & history["undone_at"].isna()]
    return sorted(int(i) for i in done["import_id"])


# ---------------------------------------------------------------------------------------------- applying

def _write_table(writes: pd.DataFrame) -> pa.Table:
    """The figures to write as an Arrow table typed as the tables are, a figure added having NULL old values."""
    old_value = writes["old_value"].to_numpy(dtype=float)
    return pa.table({
        "file_row": pa.array(writes["row"].to_numpy(dtype="int64")).cast(pa.int32()),
        "branch": pa.array(writes["branch"].to_numpy(dtype=object), type=pa.string()),
        "month": pa.array(writes["month"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]"), type=pa.date32()),
        "metric": pa.array(writes["metric"].to_numpy(dtype=object), type=pa.string()),
        "old_value": pa.array(old_value, mask=np.isnan(old_value), type=pa.float64()),
        "old_provenance": pa.array(writes["old_provenance"].to_numpy(dtype=object), type=pa.string(), from_pandas=True),
        "old_import_id": pa.array(writes["old_import_id"].astype("Int64").to_numpy(dtype=float),
                                  from_pandas=True).cast(pa.int32()),
        "new_value": pa.array(writes["new_value"].to_numpy(dtype=float), type=pa.float64()),
    })


def scope_refusal(identity: auth.Identity, plan: Plan) -> str | None:
    """The sentence refusing a file with figures outside this person's scope (naming the rows), or None."""
    figures = pd.concat([part[["row", "borough", "branch"]] for part in (plan.added, plan.changed, plan.unchanged)
                         if part is not None and not part.empty] or [pd.DataFrame(columns=["row", "borough", "branch"])])
    return auth.out_of_scope(identity, figures)


def _identify(tx, actor: auth.Actor | None, action: str) -> auth.Identity:
    try:
        identity = auth.identify(tx, actor)
        auth.authorise(identity, action)
        return identity
    except auth.Refused as refused:
        raise ImportRefused(str(refused)) from None


def apply(db: Database, plan: Plan, reasons: dict[str, str], actor: auth.Actor | None, file_name: str, checksum: str,
          progress: Progress | None = None) -> ImportResult:
    """Write a checked plan in one transaction, recording who, when, what it replaced and why warnings were accepted.

    Who imports is the actor's account, re-read inside the transaction: it must be allowed to import, and a
    librarian only figures of their own boroughs and branches (the refusal names the rows outside them).
    """
    if plan.problems:
        raise ImportRefused(f"{file_name} has {plural(len(plan.problems), 'problem')}, so nothing was imported. "
                            "Correct the file and load it again.")
    missing = plan.missing_reasons(reasons)
    if missing:
        raise ImportRefused(f"{plural(len(missing), 'warning')} {'needs' if len(missing) == 1 else 'need'} a "
                            "reason before the import can go ahead: "
                            + ", ".join(w.key for w in missing) + ". Nothing was imported.")
    if checksum != plan.checksum:
        raise ImportRefused(f"{file_name} is not the file that was checked (its checksum differs): check it again.")
    if plan.nothing_to_change:
        with db.transaction(bump=False) as tx:     # nothing is written, but only for someone who may import it
            identity = _identify(tx, actor, "import")
            refusal = scope_refusal(identity, plan)
        if refusal:
            raise ImportRefused(refusal)
        return ImportResult(None, 0, 0, len(plan.unchanged), (
            f"Nothing changed: {_all_figures(len(plan.unchanged), 'in ' + file_name)} already in the warehouse "
            "with the same values."))
    rows = _write_table(plan.writes)
    warnings = pd.DataFrame([{"key": w.key, "check_name": w.check, "branch": w.branch, "month": w.month,
                              "metric": w.metric, "message": str(w), "reason": reasons[w.key].strip()}
                             for w in plan.warnings],
                            columns=["key", "check_name", "branch", "month", "metric", "message", "reason"])
    # The whole file at once: one table registered, one statement for the history, one for the figures
    # (statements/). DuckDB turns an update of a column with a foreign key into a delete and an insert;
    # the entered figures are a small table of their own, so that is cheap.
    with db.transaction() as tx:
        identity = _identify(tx, actor, "import")
        refusal = scope_refusal(identity, plan)
        if refusal:
            raise ImportRefused(refusal)
        version = tx.run("current_data_version").fetchone()[0]
        if plan.data_version is not None and version != plan.data_version:
            raise ImportRefused("The warehouse changed since this file was checked (another import or undo?): "
                                "check the file again before importing it.")
        import_id = tx.run("insert_import_batch", user=identity.name, file_name=file_name, checksum=checksum,
                           added=len(plan.added), changed=len(plan.changed), unchanged=len(plan.unchanged),
                           shape=plan.shape).fetchone()[0]
        n = rows.num_rows
        with tx.registered("import_rows", rows):
            tx.run("insert_figure_history", import_id=import_id)
            _report(progress, 0.4, f"Written the history of {n:,} figures; writing the figures")
            tx.run("merge_entered_figures", import_id=import_id)
            _report(progress, 0.8, f"Written {n:,} figures; saving")
        if not warnings.empty:
            with tx.registered("import_warnings", warnings):
                tx.run("insert_import_warnings", import_id=import_id)
        boroughs = sorted(set(plan.added["borough"]) | set(plan.changed["borough"]))
        auth.audit(tx, identity.name, "import", (
            f"import {import_id}: {file_name} (sha256 {checksum[:12]}…): {plural(len(plan.added), 'figure')} added, "
            f"{len(plan.changed):,} changed, for {', '.join(boroughs)}"
            + (f"; {plural(len(warnings), 'warning')} given a reason" if not warnings.empty else "")),
            getattr(actor, "address", None))
    _report(progress, 1.0, f"Written {rows.num_rows:,} figures")
    return ImportResult(int(import_id), len(plan.added), len(plan.changed), len(plan.unchanged), (
        f"Import {import_id}: {file_name}: {plural(len(plan.added), 'figure')} added, {len(plan.changed):,} "
        f"changed, {len(plan.unchanged):,} unchanged."))


# ---------------------------------------------------------------------------------------------- undoing

def undo(db: Database, import_id: int, actor: auth.Actor | None) -> UndoResult:
    """Put back what an import replaced and remove what it added, in one transaction.

    Allowed to the person who made the import, and to the head of service and administrators.
    """
    # A figure the import wrote that a later import changed would be lost by restoring the older value, so
    # that is refused: undo the later import first (imports are undone newest first where they overlap).
    with db.transaction() as tx:
        identity = _identify(tx, actor, "undo")
        batch = tx.run("import_batch_of", id=import_id).fetchone()
        if batch is None:
            raise ImportRefused(f"There is no import {import_id}.")
        file_name, _, imported_by, undone_at, undone_by = batch
        try:
            auth.authorise_undo(identity, import_id, imported_by)
        except auth.Refused as refused:
            raise ImportRefused(str(refused)) from None
        if undone_at is not None:
            raise ImportRefused(f"Import {import_id} ({file_name}) was already undone on "
                                f"{undone_at:%d %B %Y at %H:%M} by {undone_by}: there is nothing left to undo.")
        later = tx.run("later_changes", id=import_id).fetchall()
        if later:
            raise ImportRefused(_later_message(import_id, file_name, later))
        restored, removed = tx.run("count_history", id=import_id).fetchone()
        tx.run("remove_entered_figures", id=import_id)
        tx.run("restore_entered_figures", id=import_id)
        tx.run("mark_import_undone", id=import_id, user=identity.name)
        auth.audit(tx, identity.name, "undo", (
            f"undid import {import_id} ({file_name}, made by {imported_by}): {plural(int(restored), 'figure')} "
            f"restored, {plural(int(removed), 'added figure')} removed"), getattr(actor, "address", None))
    return UndoResult(import_id, int(restored), int(removed), (
        f"Import {import_id} ({file_name}) undone: {plural(int(restored), 'figure')} restored to the earlier "
        f"values, {plural(int(removed), 'added figure')} removed."))


def _later_message(import_id: int, file_name: str, later: list[tuple]) -> str:
    by = sorted({(i, f) for *_, i, f in later if i is not None})
    what = _either([f"import {i} ({f})" for i, f in by]) if by else "a later change"
    first = later[0]
    were = "was" if len(later) == 1 else "were"
    return (f"Import {import_id} ({file_name}) cannot be undone: {len(later):,} of its figures {were} changed "
            f"later by {what}, e.g. {first[0]}, {first[2]} for {month_name(pd.Timestamp(first[1]))}. "
            "Undo the later import first.")


def history(db: Database) -> pd.DataFrame:
    """Every import, newest first (for the page's import history)."""
    return db.run("import_history")


def changes_of(db: Database, import_id: int) -> pd.DataFrame:
    """The figures one import wrote, with the values they replaced (old_value null: added)."""
    changes = db.run("import_changes")
    return changes[changes["import_id"] == import_id].reset_index(drop=True)


def reasons_of(db: Database, import_id: int) -> pd.DataFrame:
    """The warnings one import went ahead with, and the reason given for each."""
    reasons = db.run("import_reasons")
    return reasons[reasons["import_id"] == import_id].reset_index(drop=True)
