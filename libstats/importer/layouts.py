"""The layouts a return may have: telling them apart by the header row, and each one's parser.

A parser takes (header cells, header columns, body rows, header row number, shape, metric) and gives
(records with RECORD_COLUMNS, problems found reading, blank cells skipped, notes)."""
from __future__ import annotations

import re

import pandas as pd

from libstats import periods

SHAPE_LABELS = {
    "long": "one row per figure (month, borough, branch, metric, value)",
    "wide_by_metric": "one row per branch and month, one column per metric",
    "wide_by_month": "one row per branch, one column per month, for one metric",
    "library_data_visits": "library data schema: visits",
    "library_data_loans": "library data schema: loans",
    "activity_data": "activity data: authority, location, ISO 8601 period, count",
    "annual": "annual figures of a borough: authority, financial year, metric, value",
    "events": "one row per event (date, name, outcomes, attendees)",
}
EXPECTED_HEADERS = (
    "month, borough, branch, metric, value",
    "month, branch, visits, pc_hours_used, … (metric codes)",
    "Library, 2015-04, 2015-05, … (one metric, named when loading the file)",
    "Local authority, Library name, Count start, Count end, Count type, Visits",
    "Local authority, Library name, Count start, Count end, Type, Loans",
    "Local authority, Library name, Month, Type, Loans",
    "Authority, Location, Period, Count (ISO 8601 periods such as 2023-04-01/P3M)",
    "Authority, Year, Metric, Value (annual figures: 2016-17)",
    "Local authority, Library name, Event date, Name, Main outcome, Secondary outcome, Attendees",
)
BLANKS = {"", "..", "-", "n/a", "na", "null", "none"}   # CIPFA writes '..' for unknown; missing is not zero
FOOTER = re.compile(r"^\s*(grand\s+total|totals?\b|notes?\b|source\b)", re.IGNORECASE)
MONTH_LIKE = re.compile(r"^\s*\d{4}-\d{1,2}(-\d{1,2})?(\s.*)?$")
BRANCH_HEADERS = {"branch", "library", "libraryname", "branchname"}
LOAN_TYPES_HELP = ("adult fiction, adult non-fiction, children's fiction, children's non-fiction (also written "
                   "“junior” or “child”), and AV and e-issues (eBook, eAudio, audiobook, eMagazine, DVD, CD)")


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


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i].strip() if i is not None and i < len(cells) else ""


RECORD_COLUMNS = ["row", "branch_text", "branch_col", "borough_text", "borough_col", "month_text", "month_row",
                  "month_col", "metric_text", "metric_row", "metric_col", "value_text", "value_col",
                  "month_checked", "metric_checked",
                  # the grain of a figure that is not one branch-month (returns.py, grains.py), and its method
                  "period_start", "period_end", "period_col", "method", "fy_text", "fy_col"]


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


parse_date = periods.parse_date   # a date written 2015-04-01 or 01/04/2015 (day first, as in the UK)


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
