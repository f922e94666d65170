"""The Peers page: Bexley and Bromley beside the outer-London group, a chart per measure."""
from __future__ import annotations

from dataclasses import dataclass

from libstats import catalogue, charts, formats, vfm
from libstats.parts import Chart, Run


@dataclass(frozen=True)
class Peers:
    fy: str
    charts: tuple[Chart, ...]      # one per measure of vfm.PEER_MEASURES


def page(run: Run, fy: str = "2015-16") -> Peers:
    """The peer page's charts, one per measure, from the published returns of one year."""
    table = vfm.peer_table(run("peer_figures", fy=fy))
    shown = []
    for measure, digits in vfm.PEER_MEASURES.items():
        label = catalogue.measure(measure).label
        fmt, prefix = formats.d3(catalogue.measure(measure).format, digits)
        median, sentence = vfm.peer_summary(table, measure)
        rows = table[["authority", measure, "highlight"]].rename(columns={measure: "value"}).dropna(subset=["value"])
        numbers = (rows.sort_values("value", ascending=False).assign(value=rows["value"].round(3))
                   .rename(columns={"authority": "Authority", "value": label, "highlight": "Ours"}))
        shown.append(Chart(f"peer_{measure}", charts.peer_bars(rows, f"{label}, {fy}", label, fmt, median, prefix),
                                  sentence, numbers))
    return Peers(fy, tuple(shown))
