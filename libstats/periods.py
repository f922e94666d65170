"""Figures at the grain they were counted: periods, ISO 8601 durations, how a count was made, samples grossed up.

A return gives each count over a period. A period of exactly one calendar month is a monthly figure, as
always. A period of several whole calendar months (a quarter, a year of a monthly measure) is stored once,
as counted (entries table entered_period, grain 'months'); monthly charts see it spread over its months by
the view period_spread (days-weighted, largest remainder, so the months add up to it exactly), labelled
'spread' (ranked with modelled). Any other period (a sampled week, an 8-day window, a single day) is a
sample (grain 'sample'): kept with its method and period, never summed into a month or a year, and grossed
up to a year only by gross_up(), an estimate labelled modelled with its rule stated.

No Streamlit, no database: the importer and the pages use these.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from libstats import fiscal, formats

DATE_HELP = "write dates as 2015-04-01 or 01/04/2015"
ISO_HELP = ("write periods as ISO 8601: a start date and a duration (2015-04-01/P3M for a quarter, /P1M a month, "
            "/P1Y a year, /P7D a week) or two dates (2015-04-01/2015-06-30)")

# CIPFA's rule for a count made in a sample week: the week's count × 50 is the year's (library-data.md §5).
SAMPLE_WEEKS_A_YEAR = 50
GROSS_UP_RULE = (f"estimate: the sampled weeks' average × {SAMPLE_WEEKS_A_YEAR} (CIPFA's sample week × "
                 f"{SAMPLE_WEEKS_A_YEAR}); a window of other than 7 days is scaled to 7 days first, and windows that "
                 "overlap are averaged, never added")


@dataclass(frozen=True)
class Period:
    """The days a count covers, first and last included."""
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> bool:
        """From the first day of a month to the last day of a month (one month or several)."""
        return self.start.day == 1 and self.end == _last_day(self.end)

    @property
    def months(self) -> int:
        """How many calendar months a whole-months period covers."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def one_month(self) -> bool:
        return self.whole_months and self.months == 1

    @property
    def grain(self) -> str:
        """'month' (one calendar month), 'months' (several whole months: stored as counted), or 'sample'."""
        if self.one_month:
            return "month"
        return "months" if self.whole_months else "sample"

    @property
    def is_financial_year(self) -> bool:
        return self.start.month == 4 and self.start.day == 1 and self.end == dt.date(self.start.year + 1, 3, 31)

    @property
    def fy(self) -> str:
        """The financial year the period starts in, '2015-16'."""
        year = self.start.year - (self.start.month < 4)
        return fiscal.fy_label(year)

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end

    def words(self) -> str:
        """'April to June 2015 (a quarter)', '11 to 17 February 2019 (7 days)', '1 April 2015 (1 day)'."""
        return describe(self.start, self.end)


def describe(start: dt.date, end: dt.date, sample: bool = False) -> str:
    """A period in words, as a person says it (see Period.words); a sample says so ('…, sampled week')."""
    start, end = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    period = Period(start, end)
    if period.whole_months:
        first = start.strftime("%B") + ("" if start.year == end.year else f" {start.year}")
        span = f"{start:%B %Y}" if period.months == 1 else f"{first} to {end:%B %Y}"
        kind = {1: "a month", 3: "a quarter", 12: "a year"}.get(period.months, f"{period.months} months")
        return f"{span} ({kind})"
    if start == end:
        return f"{start.day} {start:%B %Y}, sampled day" if sample else f"{start.day} {start:%B %Y} (1 day)"
    if (start.year, start.month) == (end.year, end.month):
        span = f"{start.day} to {end.day} {end:%B %Y}"
    elif start.year == end.year:
        span = f"{start.day} {start:%B} to {end.day} {end:%B %Y}"
    else:
        span = f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
    return f"{span}, {sample_words(period.days)}" if sample else f"{span} ({period.days} days)"


def sample_words(days: int) -> str:
    """What a sample is called where it is shown: 'sampled week', 'sampled 8 days', 'sampled day'."""
    return {1: "sampled day", 7: "sampled week"}.get(int(days), f"sampled {int(days)} days")


def _last_day(day: dt.date) -> dt.date:
    return (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()


def parse_date(text: str) -> dt.date | None:
    """A date written 2015-04-01 or 01/04/2015 (day first, as in the UK); None if it is not one."""
    text = re.sub(r"[ T]00:00(:00)?$", "", text.strip())
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def count_period(start_text: str, end_text: str) -> tuple[Period | None, int | None, str | None]:
    """The period of a Count start and Count end: (period, None, None), or (None, 0 or 1, problem).

    The second item says which of the two cells the problem is in (0 start, 1 end)."""
    start, end = parse_date(start_text), parse_date(end_text)
    for which, (date, text) in enumerate(((start, start_text), (end, end_text))):
        if not text.strip():
            return None, which, f"The date is missing: {DATE_HELP}."
        if date is None:
            return None, which, f"“{text.strip()}” is not a date: {DATE_HELP}."
    if end < start:
        return None, 1, (f"The count ends ({end_text.strip()}) before it starts ({start_text.strip()}): "
                         "is a date a typo?")
    if (end - start).days >= 366:
        return None, 1, (f"The count from {start_text.strip()} to {end_text.strip()} is longer than a year: give "
                         "one row per year at most.")
    return Period(start, end), None, None


ISO_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$", re.IGNORECASE)


def parse_iso_period(text: str) -> tuple[Period | None, str | None]:
    """An ISO 8601 period ('2023-04-01/P3M', '2015-04/P1M', '2015-04-01/2015-06-30'), or a problem."""
    text = text.strip()
    if not text:
        return None, f"The period is missing: {ISO_HELP}."
    if "/" not in text:
        return None, f"“{text}” is not a period: {ISO_HELP}."
    first, second = (part.strip() for part in text.split("/", 1))
    start = _iso_date(first)
    if start is None:
        return None, f"“{first}” (before the /) is not a date: {ISO_HELP}."
    match = ISO_DURATION.match(second)
    if match and any(match.groups()):
        years, months, weeks, days = (int(g or 0) for g in match.groups())
        if weeks and (years or months):
            return None, f"“{second}” mixes weeks with months or years: {ISO_HELP}."
        end = (pd.Timestamp(start) + pd.DateOffset(years=years, months=months, weeks=weeks, days=days)
               - pd.Timedelta(days=1)).date()
    else:
        end = _iso_date(second)
        if end is None:
            return None, f"“{second}” (after the /) is neither a duration nor a date: {ISO_HELP}."
    if end < start:
        return None, f"The period {text} ends before it starts: is a date a typo?"
    if (end - start).days >= 366:
        return None, f"The period {text} is longer than a year: give one row per year at most."
    return Period(start, end), None


def _iso_date(text: str) -> dt.date | None:
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    try:
        return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def financial_year(text: str) -> str | None:
    """A financial year written 2015-16, 2015/16, 2015-2016 or FY2015-16, as '2015-16'; None if it is not one."""
    match = re.fullmatch(r"(?:fy\s*)?(\d{4})\s*[-/–]\s*(\d{2}|\d{4})", text.strip(), re.IGNORECASE)
    if not match:
        return None
    year, after = int(match.group(1)), match.group(2)
    if int(after[-2:]) != (year + 1) % 100 or (len(after) == 4 and int(after) != year + 1):
        return None
    return fiscal.fy_label(year)


def method_code(text: str | None) -> str | None:
    """How a count was made, from a return's Count type: 'automatic', 'manual', 'sampled', 'estimated'."""
    words = (text or "").strip().lower()
    if not words:
        return None
    if re.search(r"\b(sample|sampled|sampling|one week|a week|per quarter|every quarter|week in)\b", words):
        return "sampled"
    if re.search(r"\b(estimat\w*|extrapolat\w*|gross\w*)\b", words):
        return "estimated"
    if re.search(r"\b(auto\w*|electronic|counter|sensor|gate|people ?counter|footfall counter|door count\w*)\b",
                 words):
        return "automatic"
    if re.search(r"\b(manual\w*|hand|tally|clicker|staff count\w*)\b", words):
        return "manual"
    return None


METHOD_WORDS = {"automatic": "counted by an automatic counter", "manual": "counted by hand",
                "sampled": "estimated from a sample", "estimated": "estimated"}


def method_words(text: str | None) -> str:
    """A method for the branch page: 'counted by an automatic counter (Automatic)', or the words as written."""
    code = method_code(text)
    written = (text or "").strip()
    if code is None:
        return f"“{written}”" if written else "not said"
    return METHOD_WORDS[code] if written.lower() == code else f"{METHOD_WORDS[code]} (“{written}”)"


def gross_up(samples: pd.DataFrame) -> pd.DataFrame:
    """Annual estimates from sampled counts: one row per branch, metric and financial year.

    samples: columns branch, metric, period_start, period_end, value (the sample_figure view). Each sample
    becomes a weekly rate (value × 7 / days); a year's estimate is the mean of its weekly rates × 50, so two
    overlapping windows (Plymouth's 8-day windows) are averaged, never added. Provenance 'modelled', with
    the rule in words and the samples it rests on."""
    columns = ["branch", "metric", "fy", "value", "samples", "provenance", "rule"]
    if samples.empty:
        return pd.DataFrame(columns=columns)
    frame = samples.copy()
    start = pd.to_datetime(frame["period_start"])
    days = (pd.to_datetime(frame["period_end"]) - start).dt.days + 1
    frame["weekly"] = frame["value"].astype(float) * 7 / days
    year = start.dt.year - (start.dt.month < 4).astype(int)
    frame["fy"] = year.astype(str) + "-" + ((year + 1) % 100).astype(str).str.zfill(2)
    out = (frame.groupby(["branch", "metric", "fy"], as_index=False)
           .agg(weekly=("weekly", "mean"), samples=("weekly", "size")))
    out["value"] = (out["weekly"] * SAMPLE_WEEKS_A_YEAR).round(0)
    out["provenance"] = "modelled"
    out["rule"] = GROSS_UP_RULE
    return out[columns]


def counted_lines(methods: pd.DataFrame, samples: pd.DataFrame, labels: dict[str, str], fy: str) -> list[str]:
    """How a branch's figures of a year were counted, a line per measure and method, for the branch page.

    methods: the branch_methods query (metric, month, method, period_start, period_end); samples: the
    branch_samples query. A period over several months says it is spread over them (modelled); a sample
    says it is in no month or year, with its estimate for the year (GROSS_UP_RULE)."""
    lines = []
    if not methods.empty:
        frame = methods.assign(month=pd.to_datetime(methods["month"]), start=pd.to_datetime(methods["period_start"]),
                               end=pd.to_datetime(methods["period_end"]))
        for (metric, method), group in frame.groupby(["metric", "method"], sort=True):
            label = labels.get(metric, metric)
            spans = group.drop_duplicates(["start", "end"])
            whole = spans[(spans["end"] - spans["start"]).dt.days > 31]
            months = group[~group.set_index(["start", "end"]).index.isin(whole.set_index(["start", "end"]).index)]
            parts = []
            if not months.empty:
                first, last = months["month"].min(), months["month"].max()
                parts.append(f"{formats.plural(len(months), 'month')} "
                             + (f"({first:%B %Y})" if first == last else f"({first:%B %Y} to {last:%B %Y})"))
            parts += [f"one count for {describe(s, e)}, spread over its months (modelled)"
                      for s, e in zip(whole["start"], whole["end"])]
            lines.append(f"{label}: {method_words(method)}: {'; '.join(parts)}.")
    if not samples.empty:
        frame = samples.assign(start=pd.to_datetime(samples["period_start"]))
        year = frame["start"].dt.year - (frame["start"].dt.month < 4).astype(int)
        frame = frame[year.astype(str) + "-" + ((year + 1) % 100).astype(str).str.zfill(2) == fy]
        estimates = gross_up(frame).set_index(["metric", "fy"]) if not frame.empty else None
        for metric, group in frame.groupby("metric", sort=True):
            label = labels.get(metric, metric)
            counted = "; ".join(f"{shown} of {formats.number(value)} ({method_words(method)})" for shown, value, method in
                                zip(group["shown"], group["value"], group["method"]))
            estimate = estimates.loc[(metric, fy), "value"]
            lines.append(f"{label}: {counted}. A sample is in no month or year here; as a year it would be about "
                         f"{formats.number(estimate)} ({GROSS_UP_RULE}).")
    return lines
