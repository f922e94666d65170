"""How a year's figure stands against its service-plan target. Pure pandas."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from libstats import catalogue, formats


@dataclass(frozen=True)
class TargetStatus:
    target: float
    actual: float
    measure: catalogue.Measure
    note: str
    provenance: str = "set"          # 'illustrative' (the seed's stand-ins), 'set' (the head of service's)

    @property
    def illustrative(self) -> bool:
        return self.provenance == "illustrative"

    @property
    def met(self) -> bool:
        return self.actual >= self.target if self.measure.higher_is_better else self.actual <= self.target

    @property
    def target_text(self) -> str:
        return self.measure.value_text(self.target)

    @property
    def gap_text(self) -> str:
        gap = self.actual - self.target
        if self.measure.unit == "%":
            return f"{formats.number(gap * 100, 1, sign=True)} points against target"
        return f"{formats.number(gap, 0, sign=True)} against target"

    @property
    def verdict(self) -> str:
        gap = abs(self.actual - self.target)
        gap_text = f"{formats.number(gap * 100, 1)} points" if self.measure.unit == "%" else formats.number(gap)
        kind = " (illustrative target)" if self.illustrative else ""
        if self.met:
            return f"Met{kind}: {self.measure.value_text(self.actual)} against {self.target_text}, {gap_text} to spare."
        return f"Not met{kind}: {self.measure.value_text(self.actual)} against {self.target_text}, {gap_text} short."

    @property
    def short_verdict(self) -> str:
        """'Met' / 'Not met (illustrative target)': what a line with no room for the numbers says."""
        return ("Met" if self.met else "Not met") + (" (illustrative target)" if self.illustrative else "")


def target_status(targets: pd.DataFrame, fy: str, actual: float | None, measure: catalogue.Measure) -> TargetStatus | None:
    """How the year's figure stands against its service-plan target, if one is set."""
    rows = targets[targets["fy"] == fy]
    if rows.empty or actual is None or pd.isna(actual):
        return None
    row = rows.iloc[0]
    return TargetStatus(float(row["value"]), float(actual), measure, str(row["note"] or ""),
                        str(row.get("provenance") or "set"))
