"""Numbers and words, written one way: en-GB numbers, money and percentages (babel), changes, plurals and lists.

Each measure format of the catalogue (catalogue.FORMATS) has one entry in FORMATS, which gives the same
rendering three ways: `value` for a sentence or a tile, `d3` for a chart's ticks and hover (Plotly), and
`column` for a table's column (Streamlit's printf-style NumberColumn format).

Rounding: a float is handed to babel as its exact binary value (Decimal(float)), and babel rounds half to
even, which is what Python's own format() does; so 0.125 writes "0.12" and 2.675 writes "2.67", as f-strings
did before this module, and a published figure reproduces exactly. Sentences keep the ASCII hyphen-minus
("-1.3 points"); a chart's d3 ticks draw the Unicode minus "−" as d3 always has.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from babel import Locale
from babel.lists import format_list
from babel.numbers import NumberPattern, parse_pattern

LOCALE = "en_GB"
# babel's format_decimal parses its locale and pattern on every call, more than half of its time: the
# data-quality register writes some 70,000 numbers at national scale. Parsed once here, applied as it does.
_LOCALE = Locale.parse(LOCALE)
NO_FIGURE = "no figure"


@dataclass(frozen=True)
class Format:
    pattern: str           # a CLDR number pattern (babel)
    d3: str                # the same as a d3 format (Plotly tickformat / hover)
    column: str            # the same as a Streamlit NumberColumn format, for a column holding value × scale
    prefix: str = ""       # written before the number ("£"), in each of the three
    scale: float = 1.0     # a share (0-1) is written as a percentage


FORMATS = {
    "count": Format("#,##0", ",.0f", "%,.0f"),
    "decimal": Format("#,##0.0", ",.1f", "%,.1f"),
    "ratio": Format("#,##0.00", ",.2f", "%,.2f"),
    "percent": Format("#,##0.0", ".1%", "%.1f%%", scale=100),
    "pounds": Format("#,##0", ",.0f", "£%,.0f", prefix="£"),
    "pence": Format("#,##0.00", ",.2f", "£%,.2f", prefix="£"),
}


def _exact(value: float) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(float(value))


def missing(value) -> bool:
    """No figure: None, NaN or pandas' NA."""
    return value is None or bool(pd.isna(value)) if not isinstance(value, (list, tuple)) else False


def number(value: float, digits: int = 0, sign: bool = False, grouping: bool = True) -> str:
    """1,234 (digits: places after the point; sign: '+' before a positive number, '-' before a negative;
    grouping False: 1234, as a ratio or a percentage in a check's sentence has always been written)."""
    text = _pattern(digits, grouping).apply(_exact(value), _LOCALE)
    return ("+" + text) if sign and not text.startswith("-") else text


@functools.cache
def _pattern(digits: int, grouping: bool) -> NumberPattern:
    """The CLDR pattern of number(): '#,##0.0' (digits 1), '0' (no grouping)."""
    return parse_pattern(("#,##0" if grouping else "0") + ("." + "0" * digits if digits else ""))


def compact(value: float, digits: int = 2) -> str:
    """A figure quoted back as entered: 1,234, 1,234.5 or 0.25 (digits places at most, no trailing zeros, no
    point for a whole number). The import checks and the change list write a stored figure this way; the audit
    trail keeps six places (a PC utilisation target is a share, 0.655)."""
    text = number(value, digits)
    return text.rstrip("0").rstrip(".") if "." in text else text


def times(ratio: float) -> str:
    """'10 times': a ratio to the nearest whole number, for 'about 10 times its usual figure'."""
    return f"{number(ratio, 0, grouping=False)} times"


def _digits(f: Format) -> int:
    return len(f.pattern.split(".")[1]) if "." in f.pattern else 0


def value(figure: float | None, format: str, digits: int | None = None) -> str:
    """A figure as a board report writes it, in a catalogue format ('count', 'percent', 'pence', ...).
    digits: other places after the point than the format's (the peer charts write whole per cents)."""
    if missing(figure):
        return NO_FIGURE
    f = FORMATS[format]
    text = number(float(figure) * f.scale, _digits(f) if digits is None else digits)
    return f"{f.prefix}{text}%" if format == "percent" else f"{f.prefix}{text}"


def d3(format: str, digits: int | None = None, sign: bool = False, grouping: bool = True) -> tuple[str, str]:
    """A chart's tick and hover format and its prefix: ('.1%', '') or (',.2f', '£').
    digits: other places than the format's; sign: '+,.0f' for a change; grouping False: '.0f' (an index)."""
    f = FORMATS[format]
    places = int(f.d3.split(".")[1].rstrip("f%")) if digits is None else digits
    spec = (f"{'+' if sign else ''}{',' if grouping and ',' in f.d3 else ''}"
            f".{places}{'%' if f.d3.endswith('%') else 'f'}")
    return spec, f.prefix


# Whole-number axis ticks with separators (a count's change, an index): d3's integer type, which never draws
# a tick between two whole numbers as "2.5".
D3_WHOLE = ",d"


def d3_text(figure: float, spec: str, prefix: str = "") -> str:
    """A number written as a d3 format spec would draw it (',.0f', '.2f', '.0%'), for a chart's own labels,
    so a bar's label and its axis agree."""
    digits = int(spec.rsplit(".", 1)[1].rstrip("f%")) if "." in spec else 0
    text = percent(figure, digits) if spec.endswith("%") else number(figure, digits)
    return prefix + (text if "," in spec or spec.endswith("%") else text.replace(",", ""))


def column(format: str, sign: bool = False) -> str:
    """A table column's format (Streamlit NumberColumn), e.g. '£%,.2f' (sign: '%+,.0f', for a change)."""
    text = FORMATS[format].column
    return text.replace("%", "%+", 1) if sign else text


def printf(digits: int, sign: bool = False, grouping: bool = True) -> str:
    """A table column's format for plain numbers outside the catalogue's formats: printf(3, sign=True,
    grouping=False) -> '%+.3f' (a change in a share or a ratio)."""
    return f"%{'+' if sign else ''}{',' if grouping else ''}.{digits}f"


def percent(fraction: float | None, digits: int = 1, sign: bool = False, grouping: bool = True) -> str:
    """0.042 -> '4.2%' (sign: '+4.2%'; grouping False: '1234%', not '1,234%')."""
    if missing(fraction):
        return NO_FIGURE
    return number(float(fraction) * 100, digits, sign, grouping) + "%"


def change(this: float | None, last: float | None) -> float | None:
    """this / last - 1, or None when either is missing or last is 0."""
    if missing(this) or missing(last) or last == 0:
        return None
    return this / last - 1


def change_phrase(fraction: float | None, previous_fy: str, missing_text: str | None = None,
                  points: bool = False) -> str:
    """'up 4.2% on 2014-15', 'down 3.1% on 2014-15' or 'the same as 2014-15' (points: a share's change in
    points, 'up 1.2 points on 2014-15'). fraction None: missing_text, else 'with nothing to compare in …'."""
    if fraction is None or missing(fraction):
        return missing_text or f"with nothing to compare in {previous_fy}"
    amount = number(abs(fraction) * 100, 1)
    if float(amount.replace(",", "")) == 0:
        return f"the same as {previous_fy}"
    return f"{'up' if fraction > 0 else 'down'} {amount}{' points' if points else '%'} on {previous_fy}"


def change_words(value_: float | None, previous: float | None, previous_fy: str) -> str:
    """The change from previous to value in words: 'up 4.2% on 2014-15' (or 'with no figure for … to compare')."""
    return change_phrase(change(value_, previous), previous_fy, f"with no figure for {previous_fy} to compare")


def points_phrase(this: float | None, last: float | None, previous_fy: str) -> str:
    """For a share (0-1): 'up 1.2 points on 2014-15'."""
    if missing(this) or missing(last):
        return f"with nothing to compare in {previous_fy}"
    return change_phrase(this - last, previous_fy, points=True)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 figure', '2 figures', '1,204 branches' (nouns: the plural when adding 's' or 'es' would not make it).

    The importer's messages use it too (importer.plural is this function)."""
    if nouns is None:
        nouns = noun + "es" if noun.endswith(("s", "sh", "ch", "x", "z")) else noun + "s"
    return f"{number(count)} {noun if count == 1 else nouns}"


def verb(count: int, singular: str, plural_: str) -> str:
    """The verb agreeing with a count: verb(1, 'looks', 'look') -> 'looks'."""
    return singular if count == 1 else plural_


def listed(items, style: str = "standard") -> str:
    """'a', 'a and b', 'a, b and c' (en-GB: no serial comma); style 'or' for 'a, b or c'."""
    items = [str(i) for i in items]
    return format_list(items, style=style, locale=LOCALE) if items else ""
