"""Where a figure comes from, at the grain it is shown: the one rule every page, table, chart and export uses.

A figure's provenance is a set of kinds, because a figure shown is often made of others (a year of
twelve months, a ratio of two totals, a per-1,000 figure of a count and a population). The rule is
the weakest input wins: a derived figure carries the union of its inputs' kinds, and the words for
a set name its weakest part, so nothing built on a modelled split is ever called published.

The kinds, strongest first:
- ``published``: the figure itself is in an official return (a borough's CIPFA total, the busiest
  service point's figure, an ONS population). The queries call a sum ``published`` only when it adds
  up a whole published total (data/schema/views.sql, ``grain_provenance``).
- ``imported``: from a monthly return a librarian imported (counted, but not published).
- ``set``: a target the head of service set.
- ``split``: a branch or month share of a published total: the total is published, the split is modelled.
- ``spread``: a month's share of an imported count over several months (a quarter): the count is imported,
  its spread over the months modelled (by days; the months add up to it exactly). A year that holds the
  whole period gives the imported count back, so it is ``imported`` (views.sql, ``grain_provenance``).
- ``modelled``: an estimate made by the seed generator (or interpolated between published years).
- ``illustrative``: a stand-in with no source at all (the seed's targets: the real ones are not public).
"""
from __future__ import annotations

from collections.abc import Iterable

KINDS = ("published", "imported", "set", "split", "spread", "modelled", "illustrative")
# Kinds whose figure is not itself counted or published at the grain shown.
MODELLED = frozenset({"split", "spread", "modelled", "illustrative"})
# Kinds that are estimates through and through (no counted or published part at the grain shown).
_ESTIMATES = frozenset({"spread", "modelled", "illustrative"})

_WORDS = {
    "published": "published",
    "imported": "imported",
    "set": "set by the head of service",
    "split": "modelled split of a published total",
    "spread": "imported count spread over its months (modelled)",
    "modelled": "modelled",
    "illustrative": "illustrative",
}


def parse(text: str | None) -> set[str]:
    """The set behind a 'modelled,published' string from a query (empty for none)."""
    return {part for part in text.split(",") if part} if isinstance(text, str) and text else set()


def combine(*parts: Iterable[str] | str | None) -> set[str]:
    """The provenance of a figure derived from these inputs (sets or query strings): all of them."""
    out: set[str] = set()
    for part in parts:
        out |= parse(part) if isinstance(part, str) or part is None else set(part)
    return out


def text(kinds: Iterable[str]) -> str:
    """A set as the queries write it: sorted and comma-separated."""
    return ",".join(sorted(set(kinds)))


def is_modelled(kinds: Iterable[str] | str | None) -> bool:
    """True when any part of the figure is modelled (a modelled split included)."""
    return bool(combine(kinds) & MODELLED)


def is_published(kinds: Iterable[str] | str | None) -> bool:
    """True only when every input is itself published: the one case a figure may carry ✓."""
    return combine(kinds) == {"published"}


def words(kinds: Iterable[str] | str | None) -> str:
    """The provenance in words, the weakest part named: 'published (CIPFA return)', 'part modelled (…)'."""
    kinds = combine(kinds)
    if not kinds:
        return "no figures"
    if kinds == {"published"}:
        return "published (CIPFA return)"
    if kinds == {"split"}:
        return "a published total, its split by branch and month modelled"
    if kinds == {"modelled"}:
        return "modelled estimate"
    if kinds == {"spread"}:
        return "an imported count over several months, spread over them (modelled)"
    if kinds == {"imported"}:
        return "imported monthly returns"
    if kinds == {"illustrative"}:
        return "illustrative (no published source)"
    named = [_WORDS[k] for k in KINDS if k in kinds] + sorted(kinds - set(KINDS))
    listed = " and ".join(named)
    return f"part modelled ({listed})" if kinds & MODELLED else listed


def label(kinds: Iterable[str] | str | None) -> str:
    """The short source column value: published, imported, part modelled, modelled, illustrative."""
    kinds = combine(kinds)
    if not kinds:
        return "—"
    if kinds == {"illustrative"} or kinds == {"modelled", "illustrative"}:
        return "illustrative"
    if kinds <= {"modelled", "spread"}:
        return "modelled"
    if kinds & MODELLED:
        return "part modelled"
    if kinds == {"published"}:
        return "published"
    if kinds == {"set"}:
        return "set by the head of service"
    return " and ".join(_WORDS.get(k, k) for k in KINDS if k in kinds)


def marker(kinds: Iterable[str] | str | None) -> str:
    """The mark a figure carries so no reader depends on colour: ✓ published, ◐ part modelled, ◆ modelled."""
    kinds = combine(kinds)
    if kinds == {"published"}:
        return "✓"
    if kinds and kinds <= _ESTIMATES:
        return "◆"
    if kinds & MODELLED:
        return "◐"
    return ""


def badge(kinds: Iterable[str] | str | None) -> str:
    """A tile's badge: '✓ Published figure', '◐ Part modelled', '◆ Modelled estimate', 'Imported figures'."""
    kinds = combine(kinds)
    if not kinds:
        return "No figure"
    if kinds == {"published"}:
        return "✓ Published figure"
    if kinds <= _ESTIMATES:
        return "◆ Modelled estimate"
    if kinds & MODELLED:
        return "◐ Part modelled"
    return "Imported figures" if kinds == {"imported"} else label(kinds).capitalize()


def marked(kinds: Iterable[str] | str | None) -> str:
    """Words with their marker: '✓ published (CIPFA return)', '◐ part modelled (…)'."""
    mark = marker(kinds)
    return f"{mark} {words(kinds)}" if mark else words(kinds)


def short(kinds: Iterable[str] | str | None) -> str:
    """A source column's cell: the label with its marker ('✓ published', '◐ part modelled', '◆ modelled')."""
    mark = marker(kinds)
    return f"{mark} {label(kinds)}" if mark else label(kinds)
