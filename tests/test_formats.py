"""How numbers and words are written (libstats/formats.py): en-GB, the same in a sentence, a table and a chart."""
import ast
import random
import re
from pathlib import Path

import pytest

from libstats import catalogue, formats


def test_a_figure_is_written_as_a_board_report_writes_it():
    assert formats.value(1234567.4, "count") == "1,234,567"
    assert formats.value(0.4031, "percent") == "40.3%"
    assert formats.value(3.456, "pence") == "£3.46"
    assert formats.value(1234567.4, "pounds") == "£1,234,567"
    assert formats.value(12.34, "decimal") == "12.3"
    assert formats.value(0.401, "ratio") == "0.40"
    assert formats.value(None, "count") == formats.value(float("nan"), "count") == "no figure"
    assert formats.value(0.304, "percent", digits=0) == "30%"


def test_rounding_is_what_python_wrote_before():
    """Half to even on the float's exact value, as f-strings do: -3.75 points is -3.8, 2.675 (really 2.67499…) is 2.67."""
    assert formats.number(-3.75, 1, sign=True) == f"{-3.75:+.1f}" == "-3.8"
    assert formats.number(2.675, 2) == "2.67"
    assert formats.number(0.125, 2) == "0.12"
    assert formats.number(-0.04, 1, sign=True) == "-0.0"
    rng = random.Random(14)
    for _ in range(3000):
        x = rng.uniform(-1e6, 1e6) * rng.choice([1, 1e-3, 1e-5])
        for digits in (0, 1, 2):
            assert formats.number(x, digits, sign=True) == f"{x:+,.{digits}f}"


def test_changes_in_words():
    assert formats.change_words(104.2, 100, "2014-15") == "up 4.2% on 2014-15"
    assert formats.change_words(95, 100, "2014-15") == "down 5.0% on 2014-15"
    assert formats.change_words(100, 100, "2014-15") == "the same as 2014-15"
    assert formats.change_phrase(None, "2014-15") == "with nothing to compare in 2014-15"
    # 0.338 - 0.3755 is -0.0374999… in floating point: 3.7, as the Overview tile has always written it
    assert formats.points_phrase(0.338, 0.3755, "2014-15") == "down 3.7 points on 2014-15"
    assert formats.points_phrase(0.35, 0.35, "2014-15") == "the same as 2014-15"
    assert formats.percent(0.052, sign=True) == "+5.2%"


def test_plurals_and_lists():
    assert formats.plural(1, "figure") == "1 figure"
    assert formats.plural(2000, "figure") == "2,000 figures"
    assert formats.plural(3, "branch") == "3 branches"
    assert formats.plural(2, "library", "libraries") == "2 libraries"
    assert formats.verb(1, "looks", "look") == "looks" and formats.verb(0, "looks", "look") == "look"
    assert formats.listed(["Bexley"]) == "Bexley"
    assert formats.listed(["Bexley", "Bromley"]) == "Bexley and Bromley"
    assert formats.listed(["a", "b", "c"]) == "a, b and c"


@pytest.mark.parametrize("code", ["visits", "pc_utilisation", "net_cost_per_visit", "issues_per_visit", "staff_fte",
                                  "total_expenditure"])
def test_a_sentence_a_chart_and_a_table_agree(code):
    """One format gives all three: the d3 spec draws what the sentence writes, and so does the table's."""
    measure = catalogue.measure(code)
    spec, prefix = formats.d3(measure.format)
    column = formats.column(measure.format)
    figures = (0.1234, 0.5, 0.9876) if measure.is_share else (0.1234, 3.456, 1234.5678, 98765.4321)
    for figure in figures:
        said = measure.value_text(figure)
        assert formats.d3_text(figure, spec, prefix) == said
        # Streamlit's printf-style format on the column's values (a share's held as per cent: value × scale)
        body = column.removeprefix("£").replace("%%", "%")
        places = int(body.split(".")[1][0])
        printed = format(figure * (100 if body.endswith("%") else 1), ("," if "," in body else "") + f".{places}f")
        assert ("£" if column.startswith("£") else "") + printed + ("%" if body.endswith("%") else "") == said


def _old_quality_number(value):
    """What libstats/quality.py wrote before it used formats.compact."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def test_the_helpers_write_what_the_f_strings_wrote():
    """compact, times and whole per cents replace f-strings in the checks' sentences: byte for byte the same,
    over many values (babel's half-even rounding of the exact float is format()'s)."""
    rng = random.Random(1414)
    values = [0, 0.005, 0.015, 0.125, 2.675, 0.004, -0.001, -0.4, 1234.5, 1e20, 319000, 31900.25]
    values += [rng.uniform(0, 1e6) * rng.choice([1, 1e-2, 1e-4]) for _ in range(3000)]
    values += [round(rng.uniform(-5e4, 5e4), rng.choice([0, 1, 2, 3])) for _ in range(2000)]
    for x in values:
        assert formats.compact(x) == _old_quality_number(x), x
        assert formats.times(abs(x)) == f"{abs(x):.0f} times", x
        assert formats.percent(x, 0, grouping=False) == f"{x:.0%}", x      # 1250%, never 1,250%
        assert formats.number(x) == f"{x:,.0f}", x                          # the importer's MB, seconds, ceilings
    for n in [0, 1, 999, 1000, 2_000_000, *(rng.randrange(10**9) for _ in range(500))]:
        assert formats.number(n) == f"{n:,}"
        assert formats.compact(n) == f"{n:,}"


def test_weekly_hours_are_written_as_before():
    """The branch page's opening hours (held to two places, 0-168 a week) were written with :g."""
    from decimal import Decimal
    for hundredths in range(0, 168 * 100 + 1):
        held = Decimal(hundredths) / 100
        assert formats.compact(held) == formats.compact(float(held)) == f"{float(held):g}", held


def test_the_savings_percentages_are_written_as_before():
    """pages/priorities.py's column holds a percentage rounded to one place (0-100): formats.percent of it / 100."""
    for tenths in range(0, 100_001):
        v = round(tenths / 10, 1)
        assert formats.percent(v / 100) == formats.number(v, 1) + "%", v


def test_chart_and_column_formats_are_the_ones_written_by_hand_before():
    assert formats.d3("count", sign=True) == ("+,.0f", "")                    # a change's hover
    assert formats.d3("count", grouping=False)[0] == ".0f"                    # an index's hover
    assert formats.d3("percent", 0)[0] == ".0%" and formats.d3("ratio", grouping=False)[0] == ".2f"
    assert formats.d3("pence") == (",.2f", "£") and formats.d3("percent") == (".1%", "")
    assert formats.column("count", sign=True) == "%+,.0f"
    assert formats.column("percent", sign=True) == "%+.1f%%" and formats.column("percent") == "%.1f%%"
    assert formats.column("pence", sign=True) == "£%+,.2f"
    assert formats.printf(2, grouping=False) == "%.2f" and formats.printf(3, sign=True, grouping=False) == "%+.3f"


# --- The guard: no number is formatted outside libstats/formats.py ------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent

# Allowed, each for a reason. (path, function): None for the function allows the whole file.
ALLOWED = {
    # A financial year's label, "2015-16": a name, not a figure; the one place it is written (periods uses it).
    ("libstats/fiscal.py", "fy_label"),
    # Not figures for a reader: a spreadsheet cell read as the text the importer parses (15 significant digits,
    # as Excel holds a number), and a CSS escape's hex code point.
    ("libstats/importer/reading.py", "_cell_text"),
    ("libstats/report.py", "_css_string"),
}
DATE_DIRECTIVE = re.compile(r"%-?[aAbBdHIjmMpSUwWyYzZ]")         # strftime / Plotly dates: %b %Y, %d %B
PRINTF = re.compile(r"%[-+ #0]*(?:\d*\.\d+[dfeEgG]|,[\d.]*[dfeEgG]|\+[\d,.]*[dfeEgG])")     # %.2f, %,d, %+,.0f
TEMPLATE = re.compile(r"%?\{[\w.\[\]'\"]*:[-+ #0<>^=,_\d.]*[bdeEfFgGnoxX%]\}")    # {:,.0f}, {0:.1%}, %{y:.0f}


def _spec_is_a_date(spec: ast.JoinedStr) -> bool:
    text = "".join(v.value for v in spec.values if isinstance(v, ast.Constant))
    return bool(DATE_DIRECTIVE.search(text))


def number_formats(source: str) -> list[tuple[int, str, str]]:
    """(line, enclosing function, what) for each number formatted by hand in a module's source."""
    tree = ast.parse(source)
    found = []

    def visit(node, function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        what = None
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None \
                and not _spec_is_a_date(node.format_spec):
            what = f"format spec :{ast.unparse(node.format_spec)[2:-1]}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            hit = PRINTF.search(node.value) or TEMPLATE.search(node.value)
            what = f"format {hit.group()!r} in a string" if hit else None
        elif isinstance(node, ast.keyword) and node.arg in ("tickformat", "hoverformat", "texttemplate") \
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str) \
                and not DATE_DIRECTIVE.search(node.value.value):
            what = f"{node.arg}={node.value.value!r}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "format":
            what = "format() of a number"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
                and isinstance(node.left.value, str):
            what = "printf-style % formatting"
        if what:
            found.append((node.lineno if hasattr(node, "lineno") else 0, function, what))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return found


def test_the_guard_finds_a_number_formatted_by_hand():
    source = '''
def f(x, st, fig):
    a = f"{x:,.0f} and {x:.1%} and {x:,g} and {x:02d}"
    b = st.column_config.NumberColumn("Change", format="%+,.0f")
    c = "{:,.2f}".format(x)
    d = format(x, ",.0f")
    fig.update_yaxes(tickformat=",d")
    e = "%{y:.0f}<extra></extra>"
    g = "%d figures" % x
    return f"{x:%B %Y}", "%{x|%b %Y}", fig.update_xaxes(tickformat="%b %Y"), "60% of it"
'''
    found = [what for _, _, what in number_formats(source)]
    assert found == ["format spec :,.0f", "format spec :.1%", "format spec :,g", "format spec :02d",
                     "format '%+,.0f' in a string", "format '{:,.2f}' in a string", "format() of a number",
                     "tickformat=',d'", "format '%{y:.0f}' in a string", "printf-style % formatting"]


def test_every_number_goes_through_the_formats_module():
    """No f-string format spec (:,.0f, :.0%, :,g), printf column format (%+,.0f), d3 spec (%{y:.0f}, ',d'),
    str.format or % formatting of a number outside libstats/formats.py (issue 14); ALLOWED says why not."""
    paths = [*(ROOT / "libstats").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py"]
    found = []
    for path in sorted(paths):
        relative = path.relative_to(ROOT).as_posix()
        if relative == "libstats/formats.py" or (relative, None) in ALLOWED:
            continue
        for line, function, what in number_formats(path.read_text(encoding="utf-8")):
            if (relative, function) not in ALLOWED:
                found.append(f"{relative}:{line} ({function or 'module'}): {what}")
    assert not found, "numbers formatted outside libstats/formats.py:\n" + "\n".join(found)


def test_the_audit_trail_writes_a_target_as_set():
    """save_targets' audit text: a share keeps its places and a large target its digits (`:,g` wrote 1.25e+06)."""
    assert formats.compact(0.655, 6) == "0.655" and formats.compact(1_250_000.0, 6) == "1,250,000"
    assert formats.compact(17_500.0, 6) == "17,500"
