"""How numbers and words are written (libstats/formats.py): en-GB, the same in a sentence, a table and a chart."""
import random

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
