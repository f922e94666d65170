"""Rates of a year-on-year measure: per 1,000 population, per opening hour, and the board's ratios. Pure pandas."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from libstats import catalogue, formats, yoy
from libstats import provenance as prov


@dataclass(frozen=True)
class Rate:
    value: float | None
    previous: float | None
    unit_text: str
    note: str
    provenance: frozenset[str] = frozenset()        # the count's and the divisor's, both years

    @property
    def value_text(self) -> str:
        return formats.NO_FIGURE if self.value is None else formats.number(self.value, 1)

    @property
    def change_text(self) -> str | None:
        change = yoy.Comparison.change((self.value, self.previous))
        return None if change is None else f"{formats.percent(change, 1, sign=True)} ({formats.number(self.previous, 1)} before)"


def _counted(per_branch: pd.DataFrame, fy: str, previous_fy: str, kinds) -> set[str]:
    """Where the counts behind a rate come from: the scope's totals' provenance if given, else the branches'."""
    if kinds is not None:
        return prov.combine(kinds)
    return prov.combine(*per_branch.loc[per_branch["fy"].isin((fy, previous_fy)), "provenance"])


def per_population(per_branch: pd.DataFrame, population: pd.DataFrame, measure: catalogue.Measure,
                   fy: str, previous_fy: str, kinds=None) -> Rate:
    """The measure per 1,000 population, as reported, for both years (kinds: the counts' provenance)."""
    totals = yoy.combine(per_branch, measure, ["fy"]).set_index("fy")["value"]
    pop = population.set_index("fy")["population"]
    used = population[population["fy"].isin((fy, previous_fy))]
    source = prov.combine(_counted(per_branch, fy, previous_fy, kinds), *used.get("provenance", []))

    def rate(year):
        if year not in totals or year not in pop or not pop[year]:
            return None
        return float(totals[year]) / float(pop[year]) * 1000
    return Rate(rate(fy), rate(previous_fy), "per 1,000 population",
                "As reported, divided by the population of the scope (mid-year estimates), × 1,000. "
                f"Source: {prov.words(source)}.", frozenset(source))


def per_opening_hour(per_branch: pd.DataFrame, hours: pd.DataFrame, measure: catalogue.Measure,
                     fy: str, previous_fy: str) -> Rate:
    """The measure per hour the chosen branches were open, for both years (hours: of the same months)."""
    totals = yoy.combine(per_branch, measure, ["fy"]).set_index("fy")["value"]
    open_hours = hours.groupby("fy")["opening_hours"].sum()
    used = hours[hours["fy"].isin((fy, previous_fy))]
    source = prov.combine(_counted(per_branch, fy, previous_fy, None), *used.get("provenance", []))

    def rate(year):
        if year not in totals or year not in open_hours or not open_hours[year]:
            return None
        return float(totals[year]) / float(open_hours[year])
    return Rate(rate(fy), rate(previous_fy), "per opening hour",
                "As reported, divided by the hours the chosen branches were open in the same months (weekly hours × "
                f"weeks). Source: {prov.words(source)}.", frozenset(source))


def ratio_table(per_branch: pd.DataFrame, measures: dict[str, catalogue.Measure], fy: str, previous_fy: str) -> pd.DataFrame:
    """The board's ratios for both years: issues per visit, PC utilisation, children's share of issues."""
    rows = []
    for code in ("issues_per_visit", "pc_utilisation", "children_share"):
        m = measures[code]
        values = yoy.combine(per_branch, m, ["fy"]).set_index("fy")["value"]
        this, last = values.get(fy), values.get(previous_fy)
        change = formats.points_phrase(this, last, previous_fy) if m.unit == "%" else yoy.change_phrase(
            yoy.Comparison.change((this, last)), m, previous_fy)
        used = per_branch[per_branch["metric"].isin((*m.numerator, *m.denominator))]
        rows.append({"Ratio": m.label, fy: m.value_text(this), previous_fy: m.value_text(last), "Change": change,
                     "Source": prov.label(_counted(used, fy, previous_fy, None))})
    return pd.DataFrame(rows)
