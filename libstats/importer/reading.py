"""Reading a CSV or .xlsx return into one record per figure, within limits on size and time."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from libstats import formats
from libstats.importer import returns
from libstats.importer.common import (
    FileNotUnderstood,
    Problem,
    Progress,
    _Budget,
    _report,
    checksum_of,
    column_letter,
    plural,
)
from libstats.importer.layouts import (
    BLANKS,
    EXPECTED_HEADERS,
    FOOTER,
    RECORD_COLUMNS,
    SHAPE_LABELS,
    _find_header,
    _norm,
    _parse_long,
    _parse_wide_by_metric,
    _parse_wide_by_month,
)

# Limits on what one file may hold, checked while it is read, so a hostile or mistaken file is refused in
# bounded time and memory (the upload size itself is server.maxUploadSize in .streamlit/config.toml).
MAX_ROWS = 2_000_000                 # a whole national monthly return is about a million rows
MAX_SHEET_CELLS = 500_000            # cells read from a workbook, all sheets together (about 100,000 figures)
MAX_UNZIPPED = 200_000_000           # bytes a workbook may expand to (a compressed sheet can be tiny)
MAX_CELL = 1_000                     # characters in one cell: no figure, name or date needs more
csv.field_size_limit(max(MAX_CELL * 200, 131_072))     # the csv module's own guard; longer cells are refused below


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
            header = returns.find_header(grid)
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
                  "wide_by_month": _parse_wide_by_month, **returns.PARSERS}[shape]
        if shape == "activity_data" and "metric" not in columns and not (metric or "").strip():
            raise FileNotUnderstood(
                f"{name} gives a count per period with no Metric column, so it holds a single measure: say which "
                "metric it is (for example visits) and load it again.")
        if shape == "wide_by_month" and not (metric or "").strip():
            raise FileNotUnderstood(
                f"{name} has one column per month, so it holds a single measure: say which metric it is "
                "(for example visits) and load it again.")
        if metric and shape != "wide_by_month" and not (shape == "activity_data" and "metric" not in columns):
            notes.append("The metric given was not needed: this file names its own metrics.")
        _check_header(name, grid[index], index + 1)
        budget.check()
        # Each layout's parser gives (records, problems found reading, blank cells skipped, notes).
        records, problems, skipped, parser_notes = parser(grid[index], columns, body, index + 1, shape, metric)
    header_row = index + 1
    if quick is not None:
        _check_header(name, header, header_row)
    if len(records) > MAX_ROWS:
        raise FileNotUnderstood(f"{name} has {formats.number(len(records))} figures; one file may hold at most {formats.number(MAX_ROWS)}. "
                                "Split it, by year or by borough, and load the parts.")
    budget.check()
    records, long_cells = _without_long_cells(records)
    problems = list(problems) + long_cells
    notes += parser_notes
    if skipped:
        notes.append(f"{plural(skipped, 'blank cell')} {'was' if skipped == 1 else 'were'} skipped: "
                     "blank means no figure, not zero.")
    _report(progress, 1.0, f"Read {formats.number(len(records))} figures from {name}")
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
                    f"This cell is {formats.number(len(getattr(r, text)))} characters long: no figure, name or date needs more "
                    f"than {formats.number(MAX_CELL)}.")))
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
        raise FileNotUnderstood(f"{name} expands to {formats.number(expands / 1e6)} MB when opened, more than the "
                                f"{formats.number(MAX_UNZIPPED / 1e6)} MB a monthly return needs: save it as CSV and load that.")
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
                        f"{name} has more than {formats.number(MAX_SHEET_CELLS)} cells (reading stopped in sheet “{sheet.title}” "
                        f"at row {formats.number(len(grid) + 1)}): a spreadsheet that large should be saved as CSV, which "
                        f"takes up to {formats.number(MAX_ROWS)} figures.")
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
                raise FileNotUnderstood(f"The file has more than {formats.number(MAX_ROWS)} rows; one file may hold at most "
                                        f"{formats.number(MAX_ROWS)} figures. Split it, by year or by borough, and load the parts.")
    except csv.Error as exc:
        line = text.splitlines()[reader.line_num - 1] if reader.line_num else ""
        cells = line.split(delimiter)
        column = next((column_letter(i) for i, c in enumerate(cells) if len(c) > MAX_CELL), None)
        where = f"Row {reader.line_num}" + (f", column {column}" if column else "")
        raise FileNotUnderstood(f"{where}: a cell is too long or its quotes are not closed ({exc}). No figure, name "
                                f"or date needs more than {formats.number(MAX_CELL)} characters.") from None
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
        # pandas' own text type, kept in Arrow: a million cells are not made into Python strings here
        return pd.Series(cells[i].take(take).to_pandas(), dtype="str") if n else pd.Series([], dtype=object)

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
    shown = ", ".join(str(n) for n in numbers[:10]) + (f" and {formats.number(len(numbers) - 10)} more" if len(numbers) > 10 else "")
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


def _body(grid: list[list[str]], header: int) -> tuple[list[tuple[int, list[str]]], str | None]:
    """The data rows below the header with their spreadsheet row numbers (see _footer for totals and notes)."""
    below = range(header + 1, len(grid))
    firsts = [next((c for c in grid[i] if c.strip()), "") for i in below]
    numbers = np.array([i + 1 for i in below], dtype="int64")
    nonblank = np.array([bool(f) for f in firsts], dtype=bool)
    footer = np.array([bool(FOOTER.match(f)) for f in firsts], dtype=bool)
    keep, note = _footer(nonblank, footer, numbers)
    return [(int(numbers[k]), grid[header + 1 + k]) for k in np.flatnonzero(keep)], note
