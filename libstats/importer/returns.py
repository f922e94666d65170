"""The layouts libraries really send (issue 18): counts over any period, ISO 8601 periods, one row per event,
annual figures. Told apart by the header row, before the layouts of layouts.py.

Each parser gives records with RECORD_COLUMNS (layouts.py), the grain columns among them:
- a count over exactly one calendar month is a monthly record, as always (month_text 'YYYY-MM');
- a count over any other period has period_start and period_end (dates) and its column in period_col;
- an annual figure has fy_text (its financial year) and fy_col;
- method is how the count was made, as the return wrote it (Count type), for every record that says.
"""
from __future__ import annotations

import re

from libstats import formats, periods
from libstats.importer.common import Problem
from libstats.importer.layouts import (
    BLANKS,
    LOAN_TYPES_HELP,
    _base,
    _cell,
    _classify,
    _norm,
    _records,
    loan_metric,
)

AUTHORITY_HEADERS = ("localauthority", "authority", "borough", "council", "la")
LOCATION_HEADERS = ("libraryname", "location", "library", "branch", "branchname", "servicepoint")
METRIC_HEADERS = ("metric", "measure", "indicator")
YEAR_HEADERS = ("financialyear", "fy", "year")
OUTREACH = re.compile(r"^\s*(outreach|off[- ]?site|community outreach|outside (the )?library)\s*$", re.IGNORECASE)
# Loan types libraries send that name a real kind of item with no measure of ours: named, with their rows,
# and left out (not refused, not guessed into a measure). CIPFA's book categories have no teenage or
# reference line, and reference items are not lent.
NO_MEASURE = re.compile(r"\b(teen\w*|young adults?|ya|reference|ref|local studies|maps?)\b", re.IGNORECASE)


def _first(at: dict[str, int], names) -> str | None:
    return next((n for n in names if n in at), None)


def classify(row: list[str]) -> tuple[str, dict[str, int]] | None:
    """Which of these layouts a header row is, and where its columns are (None: not one of these)."""
    cells = [_norm(c) for c in row]
    at = {c: i for i, c in reversed(list(enumerate(cells))) if c}
    authority, location = _first(at, AUTHORITY_HEADERS), _first(at, LOCATION_HEADERS)
    if authority and location and {"eventdate", "attendees"} <= set(at):
        return "events", {**at, "authority": at[authority], "location": at[location]}
    if authority and "period" in at and ("count" in at or "value" in at):
        cols = {**at, "authority": at[authority], "count": at.get("count", at.get("value"))}
        if location:
            cols["location"] = at[location]
        metric = _first(at, METRIC_HEADERS)
        if metric:
            cols["metric"] = at[metric]
        return "activity_data", cols
    year, metric = _first(at, YEAR_HEADERS), _first(at, METRIC_HEADERS)
    if authority and year and metric and "value" in at and "month" not in at and not location:
        return "annual", {**at, "authority": at[authority], "year": at[year], "metric": at[metric]}
    return None


def find_header(grid: list[list[str]]) -> tuple[int, str, dict[str, int]] | None:
    """The first row (of the first 50) that is an accepted header, these layouts first."""
    for index, row in enumerate(grid[:50]):
        found = classify(row) or _classify(row)
        if found is not None:
            return index, found[0], found[1]
    return None


def _period_fields(period: periods.Period, column: str) -> dict:
    """A record's date fields for a period: a monthly record for one calendar month, else the period."""
    if period.one_month:
        return {"month_text": period.start.strftime("%Y-%m")}
    return {"month_text": "", "month_checked": True, "period_start": period.start, "period_end": period.end,
            "period_col": column}


def parse_counts(header, cols, body, header_row, shape, metric):
    """The library data schema (visits or loans) with a count over any period, and its Count type kept.

    One calendar month is a monthly figure, as before; whole months (a quarter) and other periods (a
    sampled week, a day) are kept at their grain. Loan types with no measure here are named and left out."""
    visits = shape == "library_data_visits"
    v = cols["visits"] if visits else cols["loans"]
    method_col = cols.get("counttype")
    out, problems, skipped = [], [], 0
    no_measure: dict[str, list[int]] = {}
    answers: dict[tuple[str, str], tuple] = {}
    for row, cells in body:
        if _cell(cells, v).lower() in BLANKS:
            skipped += 1
            continue
        record = {**_base(row, cells, header, {"branch": cols["libraryname"], "borough": cols["localauthority"]}),
                  "value_text": _cell(cells, v), "value_col": header[v].strip(), "month_row": row,
                  "method": _cell(cells, method_col) or None}
        if "countstart" in cols and "countend" in cols:
            s, e = cols["countstart"], cols["countend"]
            key = (_cell(cells, s), _cell(cells, e))
            if key not in answers:
                answers[key] = periods.count_period(*key)
            period, which, message = answers[key]
            column = header[(s, e)[which]].strip() if message else header[s].strip()
            record["month_col"] = column
            if message:
                problems.append(Problem(row, column, message))
                record["month_checked"] = True
            else:
                record.update(_period_fields(period, column))
        else:
            record.update(month_text=_cell(cells, cols["month"]), month_col=header[cols["month"]].strip())
        if visits:
            record.update(metric_text="visits", metric_row=header_row, metric_col=header[v].strip())
        else:
            t = cols["type"]
            kind = _cell(cells, t)
            code = loan_metric(kind)
            if code is None and NO_MEASURE.search(kind):
                no_measure.setdefault(kind, []).append(row)
                continue
            record.update(metric_text=code or kind, metric_row=row, metric_col=header[t].strip())
            if code is None:
                problems.append(Problem(row, header[t].strip(), (
                    f"“{kind}” is not a loan type we can match to a metric. Accepted types: {LOAN_TYPES_HELP}.")))
                record["metric_checked"] = True
        out.append(record)
    notes = [f"{_rows(rows)} {'is' if len(rows) == 1 else 'are'} “{kind}” loans, which have no measure here "
             "(CIPFA's book categories are adult and children's fiction and non-fiction), so "
             f"{'it was' if len(rows) == 1 else 'they were'} not imported." for kind, rows in no_measure.items()]
    return _records(out), problems, skipped, notes


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:20]) + (f" and {formats.number(len(rows) - 20)} more" if len(rows) > 20 else "")
    return f"Row {shown}" if len(rows) == 1 else f"Rows {shown}"


def parse_activity(header, cols, body, header_row, shape, metric):
    """Activity data (ACE, normalised): Authority, Location, Period (ISO 8601), Count; the metric from a
    Metric column, or given when loading the file. An annual measure's Location may be blank."""
    a, p, c = cols["authority"], cols["period"], cols["count"]
    loc, m = cols.get("location"), cols.get("metric")
    out, problems, skipped = [], [], 0
    answers: dict[str, tuple] = {}
    for row, cells in body:
        if _cell(cells, c).lower() in BLANKS:
            skipped += 1
            continue
        text = _cell(cells, p)
        if text not in answers:
            answers[text] = periods.parse_iso_period(text)
        period, message = answers[text]
        record = {"row": row, "branch_text": _cell(cells, loc), "branch_col": header[loc].strip() if loc is not None
                  else None, "borough_text": _cell(cells, a), "borough_col": header[a].strip(),
                  "value_text": _cell(cells, c), "value_col": header[c].strip(),
                  "month_row": row, "month_col": header[p].strip()}
        if m is not None:
            record.update(metric_text=_cell(cells, m), metric_row=row, metric_col=header[m].strip())
        else:
            record.update(metric_text=(metric or "").strip(), metric_row=None, metric_col=None)
        if message:
            problems.append(Problem(row, header[p].strip(), message))
            record["month_checked"] = True
        else:
            record.update(_period_fields(period, header[p].strip()))
            if period.is_financial_year:
                record.update(fy_text=period.fy, fy_col=header[p].strip())
        out.append(record)
    return _records(out), problems, skipped, []


def parse_annual(header, cols, body, header_row, shape, metric):
    """Annual figures of a borough: Authority, Year (a financial year, 2016-17), Metric, Value."""
    a, y, m, v = cols["authority"], cols["year"], cols["metric"], cols["value"]
    out, skipped = [], 0
    for row, cells in body:
        if _cell(cells, v).lower() in BLANKS:
            skipped += 1
            continue
        out.append({"row": row, "branch_text": "", "branch_col": None,
                    "borough_text": _cell(cells, a), "borough_col": header[a].strip(),
                    "month_text": "", "month_row": row, "month_col": header[y].strip(), "month_checked": True,
                    "fy_text": _cell(cells, y), "fy_col": header[y].strip(),
                    "metric_text": _cell(cells, m), "metric_row": row, "metric_col": header[m].strip(),
                    "value_text": _cell(cells, v), "value_col": header[v].strip()})
    return _records(out), [], skipped, []


def parse_events(header, cols, body, header_row, shape, metric):
    """One row per event, added up into each branch's monthly events and event attendance.

    "Outreach" as the library name is an event outside any branch: this dashboard holds events by branch,
    so outreach events are named (rows, events, attendees) and left out. A monthly figure's row is the first
    row of its events, so a problem with the branch is shown where its events start."""
    a, loc, d, n = cols["authority"], cols["location"], cols["eventdate"], cols["attendees"]
    problems, groups, outreach = [], {}, []
    for row, cells in body:
        when_text, people_text = _cell(cells, d), _cell(cells, n)
        when = periods.parse_date(when_text) if when_text else None
        if when is None:
            problems.append(Problem(row, header[d].strip(), (
                "The event date is missing: write dates as 2015-04-01 or 01/04/2015." if not when_text else
                f"“{when_text}” is not a date: write dates as 2015-04-01 or 01/04/2015.")))
            continue
        people = None
        if people_text.lower() not in BLANKS:
            try:
                people = float(people_text.replace(",", ""))
            except ValueError:
                people = -1.0
            if people < 0 or not people.is_integer():
                problems.append(Problem(row, header[n].strip(), (
                    f"“{people_text}” is not a number of people: write a whole number, or leave it blank if no one "
                    "counted.")))
                continue
        if OUTREACH.match(_cell(cells, loc)):
            outreach.append((row, people or 0))
            continue
        key = (_cell(cells, loc), _cell(cells, a), when.strftime("%Y-%m"))
        group = groups.setdefault(key, {"row": row, "events": 0, "people": 0.0, "counted": 0})
        group["events"] += 1
        if people is not None:
            group["people"] += people
            group["counted"] += 1
    out = []
    base_cols = {"branch": loc, "borough": a}
    for (branch_text, borough_text, month), g in groups.items():
        base = {**_base(g["row"], [], header, base_cols), "branch_text": branch_text, "borough_text": borough_text,
                "month_text": month, "month_row": g["row"], "month_col": header[d].strip(), "method": "one row per event"}
        out.append({**base, "metric_text": "events", "metric_row": None, "metric_col": None,
                    "value_text": str(g["events"]), "value_col": header[d].strip()})
        if g["counted"]:
            out.append({**base, "metric_text": "event_attendance", "metric_row": None, "metric_col": None,
                        "value_text": str(int(g["people"])), "value_col": header[n].strip()})
    notes = []
    if outreach:
        people = sum(p for _, p in outreach)
        notes.append(f"{_rows([r for r, _ in outreach])}: {formats.plural(len(outreach), 'outreach event')} "
                     f"({formats.number(people)} attendees) outside any branch; events "
                     f"are held by branch here, so {'it was' if len(outreach) == 1 else 'they were'} not imported.")
    return _records(out), problems, 0, notes


PARSERS = {"library_data_visits": parse_counts, "library_data_loans": parse_counts, "activity_data": parse_activity,
           "annual": parse_annual, "events": parse_events}
