"""The measure catalogue: one declaration of every measure, read the same from the seed file and the warehouse."""
import pytest

from libstats import catalogue, db, filters, yoy


def test_the_seed_catalogue_is_the_warehouses(fixture_db):
    """Pages name measures from the seed's metrics.csv; the warehouse's metric table says the same of each."""
    from_warehouse = catalogue.measures(db.Database(fixture_db).run("metric_catalogue"))
    seed = catalogue.seed()
    assert from_warehouse
    for code, measure in from_warehouse.items():
        assert seed[code] == measure, code


def test_book_issues_are_the_four_categories_and_ratios_divide_sums():
    books = catalogue.measure("book_issues")
    assert books.numerator == catalogue.BOOK_ISSUES == ("issues_adult_fiction", "issues_adult_nonfiction",
                                                        "issues_children_fiction", "issues_children_nonfiction")
    assert yoy.BOOKS is catalogue.BOOK_ISSUES
    per_visit = catalogue.measure("issues_per_visit")
    assert (per_visit.kind, per_visit.numerator, per_visit.denominator) == ("ratio", catalogue.BOOK_ISSUES, ("visits",))
    assert not per_visit.additive
    assert catalogue.measure("net_cost_per_visit").value_text(3.456) == "£3.46"
    assert catalogue.measure("pc_utilisation").value_text(0.4031) == "40.3%"
    assert catalogue.measure("staff_fte").value_text(12.34) == "12.3"
    assert catalogue.measure("total_expenditure").value_text(1234567.4) == "£1,234,567"
    assert catalogue.measure("event_attendance").unit == "attendances"


def test_one_list_of_scopes():
    assert filters.SCOPES == catalogue.SCOPE_NAMES == ("Whole service", "Bexley", "Bromley")
    assert [catalogue.borough_of(s) for s in catalogue.SCOPE_NAMES] == [None, "Bexley", "Bromley"]
    assert catalogue.stored_scope(None) == "Service" and catalogue.stored_scope("Bexley") == "Bexley"
    with pytest.raises(ValueError):
        catalogue.Measure("x", "X", "sum", ("x",), format="dollars")
