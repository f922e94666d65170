"""Financial-year arithmetic: UK public-sector years run 1 April to 31 March, written 2015-16."""
from __future__ import annotations

import datetime as dt
import re

FY_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
MONTH_ABBR = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")


def fy_label(start_year: int) -> str:
    """The label of the financial year that starts in April of start_year: 2015 -> '2015-16'."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def fy_start_year(fy: str) -> int:
    """The calendar year in which a financial year starts: '2015-16' -> 2015."""
    match = FY_PATTERN.match(fy or "")
    if not match:
        raise ValueError(f"{fy!r} is not a financial year like 2015-16")
    start = int(match.group(1))
    if (start + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{fy!r} is not a financial year: the second part must be the year after the first")
    return start


def fy_of(day: dt.date) -> str:
    """The financial year a date falls in: 2016-03-31 -> '2015-16', 2016-04-01 -> '2016-17'."""
    return fy_label(day.year if day.month >= 4 else day.year - 1)


def fy_start(fy: str) -> dt.date:
    """First day of a financial year (1 April)."""
    return dt.date(fy_start_year(fy), 4, 1)


def fy_end(fy: str) -> dt.date:
    """Last day of a financial year (31 March)."""
    return dt.date(fy_start_year(fy) + 1, 3, 31)


def fy_months(fy: str) -> list[dt.date]:
    """The twelve months of a financial year, as first days, April to March."""
    start = fy_start_year(fy)
    return [dt.date(start + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def fy_month_index(day: dt.date) -> int:
    """Position of a month within its financial year: April is 1, March is 12."""
    return (day.month - 4) % 12 + 1


def previous_fy(fy: str) -> str:
    """The financial year before: '2015-16' -> '2014-15'."""
    return fy_label(fy_start_year(fy) - 1)


def next_fy(fy: str) -> str:
    """The financial year after: '2015-16' -> '2016-17'."""
    return fy_label(fy_start_year(fy) + 1)


def fy_range(first: str, last: str) -> list[str]:
    """Every financial year from first to last inclusive."""
    return [fy_label(y) for y in range(fy_start_year(first), fy_start_year(last) + 1)]


def month_label(day: dt.date) -> str:
    """A month as people write it in a report: 'Apr 2015'."""
    return day.strftime("%b %Y")
