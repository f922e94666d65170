"""Year-on-year analysis: measures, like-for-like comparison, branch drivers. Pure pandas, no Streamlit."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from libstats import catalogue, formats
from libstats import provenance as prov

BOOKS = catalogue.BOOK_ISSUES
# The measures this module takes are the catalogue's (catalogue.Measure); the name stays for readers of old code.
ExplorerMeasure = catalogue.Measure


def explorer_measures(frame: pd.DataFrame) -> dict[str, catalogue.Measure]:
    """Every measure the year-on-year page offers (catalogue.measures of the metric_catalogue query's rows)."""
    return catalogue.measures(frame)


def combine(frame: pd.DataFrame, measure: catalogue.Measure, by: list[str]) -> pd.DataFrame:
    """Turn per-metric rows (by…, metric, value, provenance) into the measure's value per group.

    A ratio adds up its numerator and its denominator over the group first, then divides.
    Vectorised: at national scale a group is one of thousands of branch-years.
    """
    if frame.empty:
        return pd.DataFrame(columns=[*by, "value", "provenance"])
    grouped = _sum_with_provenance(frame[frame["metric"].isin(measure.numerator)], by)
    if measure.kind == "ratio":
        den = _sum_with_provenance(frame[frame["metric"].isin(measure.denominator)], by).rename(
            columns={"value": "denominator", "provenance": "den_provenance"})
        grouped = grouped.merge(den, on=by, how="outer")
        grouped["value"] = grouped["value"] / grouped["denominator"].where(grouped["denominator"] > 0)
        grouped["provenance"] = _join_provenance(grouped["provenance"], grouped["den_provenance"])
        grouped = grouped.drop(columns=["denominator", "den_provenance"])
    return grouped


def _sum_with_provenance(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """value summed per group; provenance the sorted union of the group's provenances ('modelled,published')."""
    work = frame[by].assign(value=frame["value"].astype(float).to_numpy())
    out = work.groupby(by, sort=True)["value"].sum().reset_index()
    out["provenance"] = _provenance_by(frame, by).to_numpy()
    return out


def _provenance_by(frame: pd.DataFrame, by: list[str], dropna: bool = True) -> pd.Series:
    """The sorted union of each group's provenances ('modelled,published'), groups in sorted order.

    Each distinct provenance text is split once; each word becomes a flag column whose group maximum
    says whether any figure of the group has it (no Python per group or per row).
    """
    provenance = frame["provenance"].astype(object).where(frame["provenance"].notna(), "")
    kinds = {text: prov.parse(text) for text in provenance.unique()}
    words = sorted(set().union(*kinds.values()))
    codes, distinct = pd.factorize(provenance)
    table = np.array([[word in kinds[text] for word in words] for text in distinct], dtype=bool)
    work = pd.DataFrame(table.reshape(len(distinct), len(words))[codes], columns=words, index=frame.index)
    work[by] = frame[by]
    has = work.groupby(by, sort=True, dropna=dropna)[words].max()
    text = pd.Series("", index=has.index, dtype=object)
    for word in words:
        text = text + np.where(has[word].to_numpy(), word + ",", "")
    return text.str.rstrip(",")


def _join_provenance(a: pd.Series, b: pd.Series) -> list[str]:
    pairs = pd.DataFrame({"a": a.fillna(""), "b": b.fillna("")})
    distinct = {(x, y): ",".join(sorted(prov.parse(x) | prov.parse(y)))
                for x, y in pairs.drop_duplicates().itertuples(index=False)}
    return [distinct[(x, y)] for x, y in zip(pairs["a"], pairs["b"])]


def _union(values) -> str:
    return prov.text(prov.combine(*values))


@dataclass
class Comparison:
    """This year against last for a set of branches, as reported and like for like."""
    fy: str
    previous_fy: str
    included: list[str]          # branches in the like-for-like comparison
    excluded: pd.DataFrame       # branch, reason
    reported: tuple[float | None, float | None]
    like_for_like: tuple[float | None, float | None]
    # Where each comparison's figures come from (both years): a like-for-like total of some branches is a
    # sum of branch figures, so in a published year it is a modelled split unless it is every branch.
    reported_provenance: frozenset[str] = frozenset()
    like_for_like_provenance: frozenset[str] = frozenset()
    this_year_provenance: frozenset[str] = frozenset()     # the reported figure of fy alone

    @staticmethod
    def change(pair) -> float | None:
        this, last = pair
        if this is None or last in (None, 0) or pd.isna(this) or pd.isna(last):
            return None
        return this / last - 1

    @property
    def differs(self) -> bool:
        a, b = self.change(self.reported), self.change(self.like_for_like)
        return a is not None and b is not None and round(a * 100, 1) != round(b * 100, 1)


def units_of(branch_rows: pd.DataFrame) -> dict[str, list[str]]:
    """Each merged unit ("Penge (with Anerley)") of the like_for_like query's branch rows, with the branches it
    adds up (a branch that closed into another, and its successor: queries/like_for_like.sql says when)."""
    merged = branch_rows[branch_rows["members"].notna()].drop_duplicates("branch")
    return {unit: list(members) for unit, members in zip(merged["branch"], merged["members"])}


def branch_page(branch: str) -> str:
    """The branch whose page a row of the ranking opens: a merged unit's ("Penge (with Anerley)") successor's,
    the branch still open (like_for_like.sql names a unit after its successor)."""
    return branch.split(" (with ")[0]


def as_units(per_branch: pd.DataFrame, units: dict[str, list[str]]) -> pd.DataFrame:
    """per_branch (branch, …, value, provenance, months) with each merged unit's branches as the unit: values
    added up, months the larger of the two (the successor's months cover the unit's), provenances joined.
    units: units_of(…) of the comparison it goes with, so both count the same branches as one."""
    unit = {branch: name for name, members in units.items() for branch in members}
    if not unit or per_branch.empty:
        return per_branch
    out = per_branch.assign(branch=per_branch["branch"].map(lambda b: unit.get(b, b)))
    keys = [c for c in out.columns if c not in ("value", "provenance", "months")]
    aggregations = {"value": "sum"}
    if "months" in out:
        aggregations["months"] = "max"
    grouped = out.groupby(keys, as_index=False, dropna=False).agg(aggregations)
    if "provenance" in out:       # groups in the same (sorted) order as grouped's
        grouped["provenance"] = _provenance_by(out, keys, dropna=False).to_numpy()
    return grouped[list(per_branch.columns)]


def left_out(units: pd.DataFrame, branches: pd.DataFrame, fy: str, previous_fy: str,
             months_compared: int) -> pd.DataFrame:
    """Why each branch outside the like-for-like comparison is left out, in branch order.

    units: branch, months_this, months_last (the months of fy and previous_fy it has figures for), one row each
    for the branches left out. branches: branch, note (a note says what happened to it).
    """
    notes = branches.set_index("branch")["note"] if "note" in branches else pd.Series(dtype=object)
    reasons = []
    for branch, this_n, last_n in sorted(zip(units["branch"], units["months_this"], units["months_last"])):
        note = notes.get(branch)
        note = note if isinstance(note, str) else ""
        if this_n == 0:
            reason = f"No figures in {fy}"
        elif last_n == 0:
            reason = f"No figures in {previous_fy}"
        elif this_n < months_compared:
            reason = f"Figures for {this_n} of {months_compared} months in {fy}"
        else:
            reason = f"Figures for {last_n} of {months_compared} months in {previous_fy}"
        reasons.append({"Branch": branch, "Why it is left out": reason + (f". {note}" if note else "")})
    return pd.DataFrame(reasons, columns=["Branch", "Why it is left out"])


def measure_values(totals: pd.DataFrame, measure: catalogue.Measure) -> dict[str, float]:
    """The measure's value in each year of totals (fy, metric, value: one row per year and metric, a handful):
    a sum adds its numerator's metrics; a ratio divides the sum of its numerator by its denominator's (none
    when the denominator is 0), never a mean of ratios. A year with none of the measure's metrics is absent."""
    numerator: dict[str, float] = {}
    denominator: dict[str, float] = {}
    for fy, metric, value in zip(totals["fy"], totals["metric"], totals["value"]):
        value = 0.0 if value is None or pd.isna(value) else float(value)
        if metric in measure.numerator:
            numerator[fy] = numerator.get(fy, 0.0) + value
        if measure.kind == "ratio" and metric in measure.denominator:       # children's share: in both
            denominator[fy] = denominator.get(fy, 0.0) + value
    if measure.kind != "ratio":
        return numerator
    return {fy: numerator[fy] / denominator[fy] if fy in numerator and denominator.get(fy, 0.0) > 0 else float("nan")
            for fy in numerator.keys() | denominator.keys()}


def compare(totals: pd.DataFrame, measure: catalogue.Measure, fy: str, previous_fy: str, included: list[str],
            excluded: pd.DataFrame, every_branch_compared: bool = False) -> Comparison:
    """Both years as reported (every branch) and like for like (included branches only).

    totals: the like_for_like query's 'reported', 'like for like' and 'scope' rows (grain, fy, metric, value,
    provenance). The reported figures come from where the scope's own totals do ('scope': a whole borough-year
    of split figures is published) when the query gives them (no branches chosen), else from the branches'.
    every_branch_compared: the like-for-like total is then the reported one, and so is its provenance.
    """
    def pair(grain):
        values = measure_values(totals[totals["grain"] == grain], measure)
        return values.get(fy), values.get(previous_fy)

    def kinds(grain, years=(fy, previous_fy)):
        rows = totals[(totals["grain"] == grain) & totals["fy"].isin(years)]
        return frozenset(prov.combine(*rows["provenance"]))

    source = "scope" if (totals["grain"] == "scope").any() else "reported"
    reported = kinds(source)
    return Comparison(fy, previous_fy, included, excluded, pair("reported"), pair("like for like"),
                      reported, reported if every_branch_compared else kinds("like for like"), kinds(source, (fy,)))


def change_phrase(change: float | None, measure: catalogue.Measure, previous_fy: str) -> str:
    """'up 4.2% on 2014-15' (formats.change_phrase; measure is kept for callers that pass it)."""
    return formats.change_phrase(change, previous_fy)


points_phrase = formats.points_phrase


def headline(measure: catalogue.Measure, comparison: Comparison, scope: str, like_for_like_on: bool) -> str:
    """The finding in words: 'Visits down 2.0% on 2015-16, like for like (15.1% as reported)'."""
    def phrase(pair):
        if measure.unit == "%":
            return points_phrase(pair[0], pair[1], comparison.previous_fy)
        return change_phrase(Comparison.change(pair), measure, comparison.previous_fy)

    main = comparison.like_for_like if like_for_like_on else comparison.reported
    text = f"{measure.label}: {scope}, {comparison.fy}, {phrase(main)}"
    if like_for_like_on:
        text += ", like for like"
        if comparison.differs:
            text += f" ({phrase(comparison.reported)} as reported)"
    elif comparison.differs:
        text += f" as reported ({phrase(comparison.like_for_like)} like for like)"
    return text


def branch_table(per_branch: pd.DataFrame, measure: catalogue.Measure, fy: str, previous_fy: str,
                 borough_of: dict[str, str], trends: dict[str, list[float]]) -> pd.DataFrame:
    """Each branch's figure in both years, change, share of its borough, and its trend across the years."""
    combined = combine(per_branch, measure, ["branch", "fy"])
    wide = combined.pivot_table(index="branch", columns="fy", values="value", aggfunc="sum").reindex(
        columns=[fy, previous_fy])
    wide = wide.reset_index()
    wide.columns = ["Branch", fy, previous_fy]
    wide.insert(1, "Borough", wide["Branch"].map(borough_of))
    wide["Change"] = wide[fy] - wide[previous_fy]
    wide["Change (%)"] = (wide[fy] / wide[previous_fy].where(wide[previous_fy] > 0) - 1) * 100
    if measure.kind == "sum":
        borough_total = wide.groupby("Borough")[fy].transform("sum")
        wide["Share of borough (%)"] = wide[fy] / borough_total.where(borough_total > 0) * 100
    wide["Trend"] = wide["Branch"].map(lambda b: trends.get(b, []))
    # a branch's figures are a modelled split of the published total in a published year (the busiest
    # point's own figure excepted): its rank and change carry that
    sources = combined[combined["fy"].isin((fy, previous_fy))].groupby("branch")["provenance"].agg(
        lambda p: prov.label(prov.combine(*p)))
    wide["Source"] = wide["Branch"].map(sources).fillna("—")
    return wide.sort_values(fy, ascending=False, na_position="last").reset_index(drop=True)


def drivers(table: pd.DataFrame, included: list[str]) -> pd.DataFrame:
    """Each like-for-like branch's contribution to the change in the total, largest first."""
    rows = table[table["Branch"].isin(included)][["Branch", "Change"]].dropna()
    return rows.reindex(rows["Change"].abs().sort_values(ascending=False).index).reset_index(drop=True)


RATIO_METRICS = ["visits", *BOOKS, "pc_hours_used", "pc_hours_available"]


def value_format(measure: catalogue.Measure) -> str:
    """The d3 format of the measure's values in charts (formats.d3 of its catalogue format)."""
    return formats.d3(measure.format)[0]


def yearly(trends: pd.DataFrame, measure: catalogue.Measure, series: str) -> pd.DataFrame:
    """The scope's figure for every year (series, fy, value, provenance, months)."""
    combined = combine(trends, measure, ["fy"])
    months = trends[trends["metric"].isin(measure.numerator)].groupby("fy")["months"].max()
    combined["months"] = combined["fy"].map(months)
    combined.insert(0, "series", series)
    return combined.sort_values("fy").reset_index(drop=True)


def trend_summary(yearly_rows: pd.DataFrame, measure: catalogue.Measure) -> str:
    """A sentence for the trend chart: first and last full years, and the change between them."""
    full = yearly_rows[yearly_rows["months"] >= 12]
    if len(full) < 2:
        return f"Too few complete years to describe a trend in {measure.label.lower()}."
    first, last = full.iloc[0], full.iloc[-1]
    change = Comparison.change((last["value"], first["value"]))
    how = "" if change is None else f", {'up' if change > 0 else 'down'} {formats.percent(abs(change), 0)} overall"
    return (f"{measure.label}: {measure.value_text(first['value'])} in {first['fy']} and "
            f"{measure.value_text(last['value'])} in {last['fy']}{how}. Hollow markers are modelled years.")


def trend_table(yearly_rows: pd.DataFrame, measure: catalogue.Measure) -> pd.DataFrame:
    """The trend chart's numbers."""
    return pd.DataFrame({
        "Series": yearly_rows["series"],
        "Financial year": yearly_rows["fy"],
        measure.label: [measure.value_text(v) for v in yearly_rows["value"]],
        "Months": yearly_rows["months"],
        "Source": [prov.words(prov.parse(p)) for p in yearly_rows["provenance"]],
    })


def branch_trends(trends: pd.DataFrame, measure: catalogue.Measure) -> dict[str, list[float]]:
    """Each branch's yearly figures, oldest first, for a sparkline."""
    combined = combine(trends, measure, ["branch", "fy"]).sort_values("fy")
    return combined.groupby("branch")["value"].agg(lambda v: [float(x) for x in v]).to_dict()


def drivers_title(movers: pd.DataFrame, measure: catalogue.Measure, previous_fy: str) -> str:
    top = movers.iloc[0]
    return (f"Biggest mover: {top['Branch']} ({formats.number(top['Change'], 0, sign=True)} {measure.unit or ''} on {previous_fy})").replace("  ", " ")


def drivers_summary(movers: pd.DataFrame, measure: catalogue.Measure, previous_fy: str) -> str:
    rises, falls = int((movers["Change"] > 0).sum()), int((movers["Change"] < 0).sum())
    same = len(movers) - rises - falls
    counted = [f"{formats.plural(rises, 'branch')} rose", f"{formats.number(falls)} fell"]
    if same:
        counted.append(f"{formats.number(same)} did not change")
    return (f"Of the {formats.plural(len(movers), 'branch')} compared, "
            f"{formats.listed(counted)} against {previous_fy}; together they changed "
            f"{measure.label.lower()} by {formats.number(movers['Change'].sum(), 0, sign=True)}.")


@dataclass
class AnnualView:
    headline: str
    explanation: str
    tiles: list[tuple[str, str, str | None]]
    trend: pd.DataFrame
    trend_table: pd.DataFrame
    summary: str
    value_format: str


def annual_view(annual: pd.DataFrame, measure: catalogue.Measure, fy: str, previous_fy: str) -> AnnualView:
    """An annual borough measure: each borough as returned; a service total only if it adds up."""
    series = annual.rename(columns={"borough": "series"})[["series", "fy", "value", "provenance"]].copy()
    series["months"] = 12
    boroughs = sorted(series["series"].unique())
    if measure.additive and len(boroughs) > 1:
        total = series.groupby("fy", as_index=False).agg(value=("value", "sum"), provenance=("provenance", _union))
        total.insert(0, "series", catalogue.WHOLE_SERVICE)
        total["months"] = 12
        series = pd.concat([total, series], ignore_index=True)
        explanation = "An annual figure from each borough's return; the whole service adds the two."
    elif len(boroughs) > 1:
        explanation = (f"{measure.label} does not add up across boroughs, so each borough's return is shown "
                       "as it is and no service total is made.")
    else:
        explanation = "An annual figure from the borough's return: it has no months or branches."
    tiles = []
    for name, rows in series.groupby("series", sort=False):
        values = rows.set_index("fy")["value"]
        this, last = values.get(fy), values.get(previous_fy)
        change = Comparison.change((this, last))
        tiles.append((f"{name}, {fy}", measure.value_text(this),
                      None if change is None else f"{formats.percent(change, 1, sign=True)} on {previous_fy}"))
    first_name, first_rows = next(iter(series.groupby("series", sort=False)))
    values = first_rows.set_index("fy")["value"]
    headline = f"{measure.label}: {first_name}, {fy}, " + change_phrase(
        Comparison.change((values.get(fy), values.get(previous_fy))), measure, previous_fy)
    table = trend_table(series, measure)
    return AnnualView(headline, explanation, tiles, series, table, trend_summary(first_rows.assign(months=12), measure),
                      value_format(measure))
