"""Headline KPIs and how they are written, on numbers small enough to check by hand."""
import pandas as pd

from libstats import catalogue, formats, metrics


def totals(rows):
    return pd.DataFrame(rows, columns=["fy", "metric", "value", "provenance"])


def test_headline_tiles_compute_each_kpi():
    t = totals([
        ("2015-16", "visits", 18000, "published"), ("2014-15", "visits", 16800, "modelled"),
        *[("2015-16", c, 1800, "published") for c in catalogue.BOOK_ISSUES],
        *[("2014-15", c, 1680, "modelled") for c in catalogue.BOOK_ISSUES],
        ("2015-16", "active_borrowers", 5000, "published"), ("2014-15", "active_borrowers", 4000, "modelled"),
        ("2015-16", "pc_hours_used", 2160, "published"), ("2015-16", "pc_hours_available", 7200, "published"),
        ("2014-15", "pc_hours_used", 2520, "modelled"), ("2014-15", "pc_hours_available", 7200, "modelled"),
        ("2015-16", "net_expenditure", 36000, "published"), ("2014-15", "net_expenditure", 30240, "modelled"),
    ])
    pop = pd.DataFrame([("2015-16", 200000, "modelled"), ("2014-15", 200000, "modelled")],
                       columns=["fy", "population", "provenance"])
    tiles = {t.headline.code: t for t in metrics.headline_tiles(t, pop, "2015-16", "2014-15")}
    assert tiles["visits"].value_text == "18,000" and tiles["visits"].change_text == "+7.1% on 2014-15"
    assert tiles["book_issues"].value_text == "7,200"
    assert tiles["active_borrowers"].change_text == "+25.0% on 2014-15"
    assert tiles["visits_per_1000"].value_text == "90"
    assert tiles["visits_per_1000"].provenance == {"published", "modelled"}   # population is modelled
    assert tiles["pc_utilisation"].value_text == "30.0%"
    assert tiles["pc_utilisation"].change_text == "-5.0 points on 2014-15"
    assert tiles["net_cost_per_visit"].value_text == "£2.00"
    assert tiles["net_cost_per_visit"].change_text == "+11.1% on 2014-15"
    assert tiles["visits"].source_text == "2015-16: published (CIPFA return). 2014-15: modelled estimate."


def test_a_missing_year_gives_no_change_rather_than_a_wrong_one():
    t = totals([("2015-16", "visits", 100, "published")])
    pop = pd.DataFrame(columns=["fy", "population", "provenance"])
    tiles = {t.headline.code: t for t in metrics.headline_tiles(t, pop, "2015-16", "2014-15")}
    assert tiles["visits"].change_text is None
    assert tiles["visits_per_1000"].value_text == "no figure"
    assert tiles["book_issues"].value is None


def test_words():
    assert formats.change_words(104.2, 100, "2014-15") == "up 4.2% on 2014-15"
    assert formats.change_words(95, 100, "2014-15") == "down 5.0% on 2014-15"
    assert formats.change_words(100, 100, "2014-15") == "the same as 2014-15"
    assert formats.change_words(100, None, "2014-15") == "with no figure for 2014-15 to compare"
    assert formats.value(0.4031, "percent") == "40.3%"
    assert formats.value(1234567.4, "count") == "1,234,567"


def test_a_part_year_has_no_net_cost_per_visit():
    """A year's spending over seven months' visits (the old £8.27 for Bexley's £4.2) is not a cost per visit."""
    t = totals([("2017-18", "visits", 7000, "modelled"), ("2016-17", "visits", 7000, "modelled"),
                ("2017-18", "net_expenditure", 42000, "modelled"), ("2016-17", "net_expenditure", 42000, "modelled")])
    pop = pd.DataFrame(columns=["fy", "population", "provenance"])
    whole = {x.headline.code: x for x in metrics.headline_tiles(t, pop, "2017-18", "2016-17")}
    assert whole["net_cost_per_visit"].value_text == "£6.00"
    part = {x.headline.code: x for x in metrics.headline_tiles(t, pop, "2017-18", "2016-17", months=7)}
    assert part["net_cost_per_visit"].value_text == "Part year" and part["net_cost_per_visit"].change is None
    assert part["net_cost_per_visit"].withheld.startswith("Spending is a whole year's figure")
    assert part["visits"].value_text == "7,000", "counts over the same months are still compared"


def test_a_table_reads_as_a_person_says_it_and_keeps_its_numbers():
    import pandas as pd

    from libstats import metrics
    table = pd.DataFrame({"metric": ["pc_hours_available", "visits"], "fy": ["2015-16", "2015-16"],
                          "value": [102055.0, 3.0], "provenance": ["published", None]})
    shown = metrics.readable_table(table, {"pc_hours_available": "PC hours available", "visits": "Visits"})
    assert list(shown.columns) == ["Measure", "Financial year", "Value", "Source"]
    assert list(shown["Measure"]) == ["PC hours available", "Visits"]
    assert list(shown["Source"]) == ["published", "—"], "no literal None"
    assert shown["Value"].tolist() == [102055.0, 3.0], "numbers stay numbers (the table adds the separators)"
    assert list(table.columns) == ["metric", "fy", "value", "provenance"], "the download keeps its own"
