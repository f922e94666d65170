"""Before-and-after analysis of an intervention (a difference in differences), and the shared service's record.

Pure pandas and numpy: the priorities page and the board pack both use it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from libstats import charts

BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 2012
WINDOW_MONTHS = 12
METHOD = (
    "How this is worked out: the {window} months from {start} are compared with the same calendar months "
    "a year earlier, for {treated} and for {control} over the same months. {control_cap}'s change takes out "
    "the seasons and the borough-wide trend, so what is left — {treated}'s change over and above it — is the "
    "uplift (a 'difference in differences'). Months when {treated} had no figures in either year are left "
    "out of both sides. The range comes from recomputing the uplift {draws:,} times on months drawn at random "
    "(with replacement) from the compared months: 95% of those results fall inside it. It assumes {control} "
    "would have moved like {treated} without the change, and it cannot separate the change from anything "
    "else that happened there at the same time."
)


@dataclass(frozen=True)
class Uplift:
    """The result of a before-and-after comparison."""
    treated: str
    control: str
    start: pd.Timestamp
    months_compared: int
    treated_before: float
    treated_after: float
    control_before: float
    control_after: float
    low: float
    high: float
    method: str

    @property
    def treated_change(self) -> float:
        return self.treated_after / self.treated_before - 1

    @property
    def control_change(self) -> float:
        return self.control_after / self.control_before - 1

    @property
    def uplift(self) -> float:
        """Treated change over and above the control's: (1 + treated change) / (1 + control change) - 1."""
        return (self.treated_after / self.treated_before) / (self.control_after / self.control_before) - 1

    def sentence(self, measure: str) -> str:
        return (f"{measure} at {self.treated} changed by {self.treated_change * 100:+.1f}% over the "
                f"{self.months_compared} months compared, while {self.control} changed by "
                f"{self.control_change * 100:+.1f}%: an uplift of {self.uplift * 100:+.1f}% "
                f"(likely between {self.low * 100:+.1f}% and {self.high * 100:+.1f}%).")


def difference_in_differences(treated: pd.Series, control: pd.Series, start: pd.Timestamp,
                              treated_name: str, control_name: str,
                              window: int = WINDOW_MONTHS) -> Uplift | None:
    """The uplift at `treated` (a monthly series indexed by month) against `control`, from `start` on.

    After: `window` months from start. Before: the same calendar months a year earlier. A month counts
    only if both series have a figure for it and for its twin a year earlier.
    """
    start = pd.Timestamp(start)
    after_months = pd.date_range(start, periods=window, freq="MS")
    pairs = [(m, m - pd.DateOffset(years=1)) for m in after_months]
    rows = [(treated.get(a), treated.get(b), control.get(a), control.get(b)) for a, b in pairs]
    rows = [r for r in rows if all(v is not None and not pd.isna(v) and v > 0 for v in r)]
    if len(rows) < 3:
        return None
    data = np.array(rows, dtype=float)
    t_after, t_before, c_after, c_before = data.sum(axis=0)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    picks = rng.integers(0, len(data), size=(BOOTSTRAP_DRAWS, len(data)))
    sums = data[picks].sum(axis=1)
    draws = (sums[:, 0] / sums[:, 1]) / (sums[:, 2] / sums[:, 3]) - 1
    low, high = np.percentile(draws, [2.5, 97.5])
    method = METHOD.format(window=window, start=start.strftime("%B %Y"), treated=treated_name, control=control_name,
                           control_cap=control_name[:1].upper() + control_name[1:], draws=BOOTSTRAP_DRAWS)
    return Uplift(treated_name, control_name, start, len(data), t_before, t_after, c_before, c_after,
                  float(low), float(high), method)


def split_treated_control(series: pd.DataFrame, treated: str, unit_column: str) -> tuple[pd.Series, pd.Series]:
    """The treated unit's monthly series and the sum of every other unit that reports in the same months."""
    wide = series.pivot_table(index="month", columns=unit_column, values="value", aggfunc="sum")
    treated_series = wide[treated] if treated in wide else pd.Series(dtype=float)
    others = wide.drop(columns=[treated], errors="ignore")
    # Only units that report in every month of the period, so a closure elsewhere is not read as a change.
    steady = others.columns[others.notna().all()]
    return treated_series, others[steady].sum(axis=1)


def indexed(treated: pd.Series, control: pd.Series, start: pd.Timestamp, treated_name: str,
            control_name: str, before: int = 24, after: int = 24) -> pd.DataFrame:
    """Both series around the event, as an index: 100 = their own average in the year before the event."""
    start = pd.Timestamp(start)
    months = pd.date_range(start - pd.DateOffset(months=before), start + pd.DateOffset(months=after - 1), freq="MS")
    base_months = pd.date_range(start - pd.DateOffset(months=12), periods=12, freq="MS")
    out = []
    for name, series in ((treated_name, treated), (control_name, control)):
        base = series.reindex(base_months).dropna()
        base = base[base > 0].mean() if len(base) else np.nan
        if not base or pd.isna(base):          # closed for the whole year before: base on the year after
            after_months = pd.date_range(start, periods=12, freq="MS")
            base = series.reindex(after_months).dropna().mean()
        values = series.reindex(months)
        out.append(pd.DataFrame({"series": name, "month": months, "value": values.values,
                                 "index": (values / base * 100).values}))
    return pd.concat(out, ignore_index=True)


def phases(treated: pd.Series, event_month: pd.Timestamp, closure_start: pd.Timestamp | None) -> pd.DataFrame:
    """Average monthly figure before a closure, during it, and in the year after reopening."""
    event_month = pd.Timestamp(event_month)
    rows = []
    if closure_start is not None:
        closure_start = pd.Timestamp(closure_start)
        before = treated[(treated.index >= closure_start - pd.DateOffset(months=12)) & (treated.index < closure_start)]
        during_months = pd.date_range(closure_start, event_month - pd.DateOffset(months=1), freq="MS")
        during = treated.reindex(during_months)
        rows.append(("Year before the closure", before.mean(), len(before.dropna())))
        rows.append((f"During the closure ({closure_start:%b %Y} – {event_month - pd.DateOffset(months=1):%b %Y})",
                     during.mean(), int(during.notna().sum())))
    else:
        before = treated[(treated.index >= event_month - pd.DateOffset(months=12)) & (treated.index < event_month)]
        rows.append(("Year before", before.mean(), len(before.dropna())))
    after = treated[(treated.index >= event_month) & (treated.index < event_month + pd.DateOffset(months=12))]
    rows.append(("Year after", after.mean(), len(after.dropna())))
    return pd.DataFrame(rows, columns=["Period", "Average a month", "Months with figures"])


def savings_table(net: pd.DataFrame, savings: dict[str, float]) -> pd.DataFrame:
    """Each borough's net expenditure by year beside the shared service's yearly saving, from 2012-13."""
    rows = []
    for row in net.sort_values(["borough", "fy"]).itertuples():
        saving = savings.get(row.borough)
        if saving is None or row.fy < "2012-13":
            continue
        rows.append({"Borough": row.borough, "Financial year": row.fy, "Net expenditure (£)": row.value,
                     "Saving (£)": saving, "Saving as % of net expenditure": round(saving / row.value * 100, 1),
                     "Source": row.provenance})
    return pd.DataFrame(rows)


# The shared service's savings (gov.uk case study, "about"): yearly, from its first full year.
SAVINGS = {"Bexley": 400_000.0, "Bromley": 370_000.0}

# UK library visits (millions): published for 2010-11, 2015-16 and 2017-18 (library-data.md §4); the
# years between are interpolated on a constant rate of change, so they are modelled.
NATIONAL_VISITS = (
    ("2010-11", 314.0, "published"), ("2011-12", 300.0, "modelled"), ("2012-13", 286.6, "modelled"),
    ("2013-14", 273.9, "modelled"), ("2014-15", 261.7, "modelled"), ("2015-16", 250.0, "published"),
    ("2016-17", 241.4, "modelled"), ("2017-18", 233.0, "published"),
)


def national_comparison(service: pd.DataFrame) -> pd.DataFrame:
    """Service visits by year beside UK visits, both as an index with 2010-11 = 100.

    service: fy, value, provenance (the service's yearly visits).
    """
    national = pd.DataFrame(NATIONAL_VISITS, columns=["fy", "value", "provenance"])
    if not (service["fy"] == "2010-11").any():
        return pd.DataFrame(columns=["series", "fy", "value", "provenance", "months"])
    base_service = float(service.loc[service["fy"] == "2010-11", "value"].iloc[0])
    rows = [{"series": "Bexley and Bromley", "fy": r.fy, "value": r.value / base_service * 100,
             "provenance": r.provenance, "months": r.months} for r in service.itertuples()]
    rows += [{"series": "UK (all library authorities)", "fy": r.fy, "value": r.value / 314.0 * 100,
              "provenance": r.provenance, "months": 12} for r in national.itertuples()]
    return pd.DataFrame(rows)


def gap_to_national(comparison: pd.DataFrame, fy: str) -> float | None:
    """How far the service's index is above (+) or below (-) the UK's in a year, in index points."""
    ours = comparison[(comparison["series"] == "Bexley and Bromley") & (comparison["fy"] == fy)]["value"]
    uk = comparison[(comparison["series"] == "UK (all library authorities)") & (comparison["fy"] == fy)]["value"]
    if ours.empty or uk.empty:
        return None
    return float(ours.iloc[0] - uk.iloc[0])


def funding_chart(run) -> charts.Shown:
    """External funding secured by each borough, by year (modelled)."""
    from libstats import yoy
    funding = run("annual_by_borough", metrics=["external_funding"], borough=None)
    measure = yoy.explorer_measures(run("metric_catalogue"))["external_funding"]
    trend = funding.rename(columns={"borough": "series"}).assign(months=12)
    return charts.Shown("funding_chart",
                        charts.trend(trend, "External funding (£)", "External funding secured by each borough, by year"),
                        yoy.trend_summary(trend[trend["series"] == "Bexley"], measure), yoy.trend_table(trend, measure))


def shared_service_chart(run) -> charts.Shown | None:
    """The service's visits against all UK library visits, each indexed to 2010-11 (None without 2010-11)."""
    from libstats import yoy
    service = yoy.yearly(run("branch_trends", metrics=["visits"], borough=None),
                         yoy.explorer_measures(run("metric_catalogue"))["visits"], "Bexley and Bromley")
    comparison = national_comparison(service)
    if comparison.empty:
        return None
    gap = gap_to_national(comparison, "2015-16")
    sentence = ("Visits across both boroughs against all UK library visits, each as an index with 2010-11 = 100. "
                + ("" if gap is None else f"By 2015-16 the service stood {abs(gap):.1f} points "
                   f"{'above' if gap > 0 else 'below'} the national index, so its fall was "
                   f"{'smaller' if gap > 0 else 'larger'} than the country's."))
    return charts.Shown("national_chart",
                        charts.trend(comparison, "Index (2010-11 = 100)", "Visits: the shared service against the UK, indexed",
                                     ".1f"), sentence,
                        comparison.assign(value=comparison["value"].round(1)).drop(columns=["months"]))
