"""What any page shows, as values: a Chart, a Tile, a Table, and the `run` every content module queries through.

Content modules (libstats/content/) build their page's one frozen dataclass from these; pages draw them with
ui.show / ui.tile / st.dataframe. No Streamlit, no queries here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Hashable

import pandas as pd

# run(query_name, **params) -> DataFrame: ui.run on a page (cached), Database.run in the board pack and tests.
Run = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Chart:
    """A chart with its text alternative, made ahead of showing it: key, figure, a sentence, the numbers."""
    key: str
    figure: Any                     # a plotly.graph_objects.Figure
    summary: str
    table: pd.DataFrame

    def __iter__(self):
        """Unpacks as (key, figure, summary, table), as the appraisal's charts did when they were 4-tuples."""
        return iter((self.key, self.figure, self.summary, self.table))

    def form(self, name: Hashable, make: Callable[[Any], Any]) -> Any:
        """make(figure): another form of this chart's figure (the page's untitled one, a projector's), made once
        per Chart and name. A Chart lives in a page's cached content (ui.computed), so its forms are cached
        with it: no cache of figures of its own, and a new data version makes new Charts.
        Two sessions asking at once may both make it; the forms are equal, so either may stay."""
        forms = self.__dict__.setdefault("_forms", {})      # beside the fields: not part of == or the repr
        if name not in forms:
            forms[name] = make(self.figure)
        return forms[name]


@dataclass(frozen=True)
class Tile:
    """A headline figure as a tile shows it: label, value and change in words, and what the help and caption say.

    delta_color: Streamlit's 'normal' (up is good), 'inverse' (up is bad) or 'off'; delta_arrow 'auto' or 'off'.
    """
    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    caption: str | None = None
    delta_color: str = "normal"
    delta_arrow: str = "auto"


@dataclass(frozen=True)
class Table:
    """A table with its title (a heading above it) and an optional caption under it."""
    title: str
    frame: pd.DataFrame
    caption: str | None = None

    def __iter__(self):
        """Unpacks as (title, frame), as the appraisal's tables did when they were pairs."""
        return iter((self.title, self.frame))
