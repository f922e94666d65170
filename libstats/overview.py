"""What the Overview page says: sentences and tables from query results. Pure, no Streamlit."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from libstats import catalogue, fiscal, formats
from libstats import provenance as prov


def monthly_table(monthly: pd.DataFrame, fy: str, previous_fy: str) -> pd.DataFrame:
    """Months April to March with this year's figure, last year's and the change."""
    rows = []
    this = {fiscal.fy_month_index(pd.Timestamp(m).date()): v for m, v in
            monthly.loc[monthly["fy"] == fy, ["month", "value"]].itertuples(index=False)}
    last = {fiscal.fy_month_index(pd.Timestamp(m).date()): v for m, v in
            monthly.loc[monthly["fy"] == previous_fy, ["month", "value"]].itertuples(index=False)}
    for i, name in enumerate(fiscal.MONTH_ABBR, start=1):
        a, b = this.get(i), last.get(i)
        change = (a / b - 1) * 100 if a is not None and b else None
        rows.append({"Month": name, fy: a, previous_fy: b, "Change (%)": None if change is None else round(change, 1)})
    return pd.DataFrame(rows)


# The measures the Overview charts month by month (catalogue codes), in the order its picker offers them.
MONTHLY = ("visits", "book_issues", "children_issues", "issues_av_e", "pc_hours_used", "events", "event_attendance",
           "enquiries", "requests", "website_visits")


def monthly_measures() -> dict[str, catalogue.Measure]:
    return {code: catalogue.measure(code) for code in MONTHLY}


def format_count(value: float | None) -> str:
    return formats.value(value, "count")


def chart_title(measure: catalogue.Measure, monthly: pd.DataFrame, fy: str, previous_fy: str,
                months: list[int]) -> tuple[str, float | None, float | None]:
    """A title that states the finding, e.g. 'Visits down 4.3% on 2014-15 (1,024,069 in 2015-16)'."""
    this = monthly.loc[monthly["fy"] == fy, "value"].sum() if (monthly["fy"] == fy).any() else None
    same_months = monthly[(monthly["fy"] == previous_fy) & pd.to_datetime(monthly["month"]).dt.month.isin(months)]
    last = same_months["value"].sum() if not same_months.empty else None
    part = "" if len(months) == 12 else " in the first month" if len(months) == 1 else f" in the {len(months)} months so far"
    title = (f"{measure.label} {formats.change_words(this, last, previous_fy)}{part} "
             f"({format_count(this)} in {fy})")
    return title, this, last


def chart_summary(measure, monthly: pd.DataFrame, fy: str, scope: str, value_text=format_count) -> str:
    """One sentence a screen reader can read instead of the chart: the year's highest and lowest months.

    measure: anything with a label and a unit (a Measure, or the explorer's measures).
    """
    rows = monthly[monthly["fy"] == fy].dropna(subset=["value"])
    if rows.empty:
        return f"There are no monthly figures for {measure.label.lower()} in {fy} for {scope}."
    high = rows.loc[rows["value"].idxmax()]
    low = rows.loc[rows["value"].idxmin()]
    unit = f" {measure.unit}" if measure.unit and measure.unit != "%" else ""
    return (f"{scope} in {fy}: {measure.label.lower()} were highest in "
            f"{fiscal.month_label(pd.Timestamp(high['month']).date())} ({value_text(high['value'])}{unit}) and lowest in "
            f"{fiscal.month_label(pd.Timestamp(low['month']).date())} ({value_text(low['value'])}).")


def event_when(day: dt.date, precision: str) -> str:
    """An event's date as precisely as it is known."""
    day = pd.Timestamp(day).date()
    if precision == "day":
        return f"{day.day} {day:%B %Y}"
    if precision == "month":
        return f"{day:%B %Y}"
    return f"{day.year} (month not known)"


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """The year's events, numbered as on the chart."""
    return pd.DataFrame({
        "No.": range(1, len(events) + 1),
        "When": [event_when(d, p) for d, p in zip(events["event_date"], events["date_precision"])],
        "Where": [b if isinstance(b, str) else w for b, w in zip(events["branch"], events["borough"])],
        "Event": events["title"],
        "What happened": events["description"],
        "Source": [prov.label(p) for p in events["provenance"]],
    })


def monthly_provenance_note(monthly: pd.DataFrame, years: list[str]) -> str:
    """Where the charted months come from, year by year, in words."""
    parts = []
    for year in years:
        provenance = set()
        for text in monthly.loc[monthly["fy"] == year, "provenance"]:
            provenance |= prov.parse(text)
        if not provenance:
            continue
        if provenance == {"split"}:
            parts.append(f"{year} adds up to the published CIPFA total (its split by month and branch is modelled)")
        elif provenance == {"modelled"}:
            parts.append(f"{year} is a modelled estimate")
        else:
            parts.append(f"{year} is {prov.words(provenance)}")
    marker = "⚠ Modelled figures shown. " if any("modelled" in p or "estimate" in p for p in parts) else ""
    return marker + "; ".join(parts) + "." if parts else ""
