"""Figures at the grain they were counted (issue 18): periods, ISO 8601, methods, the spread of a quarter
into months, samples kept apart, the forward migration of an older entries store.

The importer's side (each layout through the command line and the Data page) is tests/test_returns.py.
"""
from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest

from libstats import db, periods
from libstats.db import Database

D = dt.date


# ------------------------------------------------------------------------------------------- periods

@pytest.mark.parametrize("start, end, grain, words", [
    ("2019-01-01", "2019-03-31", "months", "January to March 2019 (a quarter)"),
    ("01/04/2016", "30/04/2016", "month", "April 2016 (a month)"),
    ("2019-02-11", "2019-02-17", "sample", "11 to 17 February 2019 (7 days)"),
    ("2019-03-05", "2019-03-12", "sample", "5 to 12 March 2019 (8 days)"),
    ("2019-06-15", "2019-06-15", "sample", "15 June 2019 (1 day)"),
    ("2015-12-01", "2016-02-29", "months", "December 2015 to February 2016 (a quarter)"),
])
def test_a_count_period_is_a_month_whole_months_or_a_sample(start, end, grain, words):
    period, which, problem = periods.count_period(start, end)
    assert problem is None and which is None
    assert period.grain == grain
    assert period.words() == words


@pytest.mark.parametrize("start, end, which, message", [
    ("2019-03-31", "2019-01-01", 1, "The count ends (2019-01-01) before it starts (2019-03-31): is a date a typo?"),
    ("2019-01-01", "", 1, "The date is missing: write dates as 2015-04-01 or 01/04/2015."),
    ("31/02/2019", "2019-03-31", 0, "“31/02/2019” is not a date: write dates as 2015-04-01 or 01/04/2015."),
    ("2018-01-01", "2019-03-31", 1, "The count from 2018-01-01 to 2019-03-31 is longer than a year: give one row "
                                    "per year at most."),
])
def test_a_bad_count_period_says_which_date_and_why(start, end, which, message):
    assert periods.count_period(start, end) == (None, which, message)


@pytest.mark.parametrize("text, start, end", [
    ("2023-04-01/P3M", D(2023, 4, 1), D(2023, 6, 30)),
    ("2023-04-01/P1M", D(2023, 4, 1), D(2023, 4, 30)),
    ("2022-04-01/P1Y", D(2022, 4, 1), D(2023, 3, 31)),
    ("2024-02-01/P1M", D(2024, 2, 1), D(2024, 2, 29)),
    ("2019-02-11/P7D", D(2019, 2, 11), D(2019, 2, 17)),
    ("2019-02-11/P1W", D(2019, 2, 11), D(2019, 2, 17)),
    ("2015-04/P1M", D(2015, 4, 1), D(2015, 4, 30)),
    ("2015-04-01/2015-06-30", D(2015, 4, 1), D(2015, 6, 30)),
])
def test_iso_8601_periods(text, start, end):
    assert periods.parse_iso_period(text) == (periods.Period(start, end), None)


@pytest.mark.parametrize("text, message", [
    ("2023-04-01", "“2023-04-01” is not a period: write periods as ISO 8601"),
    ("2023-13-01/P1M", "“2023-13-01” (before the /) is not a date"),
    ("2023-04-01/P2Y", "The period 2023-04-01/P2Y is longer than a year"),
    ("2023-04-01/three months", "“three months” (after the /) is neither a duration nor a date"),
    ("", "The period is missing"),
])
def test_a_bad_iso_period_is_named(text, message):
    period, problem = periods.parse_iso_period(text)
    assert period is None and problem.startswith(message)


def test_financial_years_and_methods():
    assert [periods.financial_year(t) for t in ("2016-17", "2016/17", "2016-2017", "FY2016-17", "2016-18", "2016")] \
        == ["2016-17", "2016-17", "2016-17", "2016-17", None, None]
    assert periods.method_code("Automatic") == "automatic"
    assert periods.method_code("Door counter") == "automatic"
    assert periods.method_code("Manual (one week every quarter)") == "sampled"
    assert periods.method_code("Manual") == "manual"
    assert periods.method_code("") is None
    assert periods.method_words("Automatic") == "counted by an automatic counter"
    assert periods.method_words("Door counter") == "counted by an automatic counter (“Door counter”)"
    assert periods.method_words("manual") == "counted by hand"
    assert periods.method_words("Gut feeling") == "“Gut feeling”"


def test_a_sample_is_grossed_up_by_the_stated_rule_and_overlapping_windows_are_averaged():
    samples = pd.DataFrame({
        "branch": ["Crayford", "Crayford", "Central (Bromley)", "Central (Bromley)"],
        "metric": ["visits"] * 4,
        "period_start": [D(2019, 2, 11), D(2019, 5, 13), D(2019, 3, 1), D(2019, 3, 5)],
        "period_end": [D(2019, 2, 17), D(2019, 5, 19), D(2019, 3, 8), D(2019, 3, 12)],
        "value": [767.0, 733.0, 1200.0, 1320.0],
    })
    out = periods.gross_up(samples).set_index(["branch", "fy"])
    # Crayford's February week is 2018-19, its May week 2019-20: each year grossed up from its own week.
    assert out.loc[("Crayford", "2018-19"), "value"] == 767 * 50
    assert out.loc[("Crayford", "2019-20"), "value"] == 733 * 50
    # Two overlapping 8-day windows: each scaled to a week (×7/8) and averaged, not added.
    assert out.loc[("Central (Bromley)", "2018-19"), "value"] == round((1200 + 1320) / 2 * 7 / 8 * 50)
    assert out.loc[("Central (Bromley)", "2018-19"), "samples"] == 2
    assert set(out["provenance"]) == {"modelled"}
    assert "sample week × 50" in out["rule"].iloc[0]
    assert periods.sample_words(7) == "sampled week" and periods.sample_words(8) == "sampled 8 days"


# -------------------------------------------------------------------------------- the store and views

@pytest.fixture
def store(fixture_db, tmp_path):
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    Database(path).close()                   # makes and migrates the entries store
    return path


def enter(path, *periods_rows, annual=()):
    """Periods written straight into the entries store, as one import (the importer's side is tested apart)."""
    con = duckdb.connect(str(db.entries_path(path)))
    try:
        con.execute("insert into import_batch (imported_by, file_name, checksum) values ('ann', 'f.csv', 'c')")
        import_id = con.execute("select max(import_id) from import_batch").fetchone()[0]
        for branch, metric, start, end, grain, value, method in periods_rows:
            con.execute("insert into entered_period values (?, ?, ?, ?, ?, ?, ?, ?)",
                        [branch, metric, start, end, grain, value, method, import_id])
        for borough, fy, metric, value in annual:
            con.execute("insert into entered_annual values (?, ?, ?, ?, ?)", [borough, fy, metric, value, import_id])
    finally:
        con.close()


def rows(path, sql, **params):
    database = Database(path, read_only=True)
    try:
        with database.cursor() as con:
            return con.execute(sql, params).fetchall()
    finally:
        database.close()


def test_an_older_entries_store_is_migrated_forward_keeping_what_it_holds(fixture_db, tmp_path, monkeypatch):
    old = tmp_path / "migrations"
    old.mkdir()
    for real in sorted(db.ENTRIES_MIGRATIONS.glob("00[12]_*.sql")):
        shutil.copy(real, old)
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    monkeypatch.setattr(db, "ENTRIES_MIGRATIONS", old)
    store = db.entries_path(path)
    assert db.migrate_entries(store) == ["001_entries.sql", "002_accounts_audit.sql"]
    con = duckdb.connect(str(store))
    con.execute("insert into import_batch (imported_by, file_name, checksum) values ('ann', 'old.csv', 'c')")
    con.execute("insert into entered_figure values ('Crayford', date '2016-04-01', 'visits', 510, 1)")
    con.execute("insert into figure_history (import_id, branch, month, metric, new_value) "
                "values (1, 'Crayford', date '2016-04-01', 'visits', 510)")
    con.close()
    monkeypatch.undo()
    assert db.migrate_entries(store) == ["003_periods.sql"]
    assert rows(path, "select branch, month, value, provenance, import_id from monthly_figure "
                      "where branch = 'Crayford' and month = date '2016-04-01' and metric = 'visits'") == [
        ("Crayford", D(2016, 4, 1), 510.0, "imported", 1)]
    assert rows(path, "select method from entries.entered_figure") == [(None,)]
    assert rows(path, "select count(*) from entered_period") == [(0,)]


def test_a_quarter_is_spread_over_its_months_summing_exactly_and_a_whole_year_gives_it_back(store):
    # 2016-17 is a year the fixture warehouse has no figures for: four imported quarters of Crayford visits.
    enter(store,
          ("Crayford", "visits", D(2016, 4, 1), D(2016, 6, 30), "months", 500, "Automatic"),
          ("Crayford", "visits", D(2016, 7, 1), D(2016, 9, 30), "months", 1001, "Automatic"),
          ("Crayford", "visits", D(2016, 10, 1), D(2016, 12, 31), "months", 2, "Automatic"),
          ("Crayford", "visits", D(2017, 1, 1), D(2017, 3, 31), "months", 898, "Automatic"))
    months = rows(store, "select month, value, provenance from monthly_figure where branch = 'Crayford' "
                         "and metric = 'visits' and month >= date '2016-04-01' order by month")
    values = [v for _, v, _ in months]
    assert [m for m, _, _ in months] == [D(y, m, 1) for y, m in [(2016, m) for m in range(4, 13)] + [(2017, 1), (2017, 2),
                                                                                                      (2017, 3)]]
    assert sum(values[:3]) == 500 and sum(values[3:6]) == 1001 and sum(values[6:9]) == 2 and sum(values[9:]) == 898
    assert values[:3] == [165, 170, 165], "by days: May has 31, April and June 30"
    assert all(v == int(v) for v in values), "whole counts stay whole"
    assert {p for *_, p in months} == {"spread"}
    database = Database(store, read_only=True)
    try:
        year = database.run("branch_year_totals", fys=["2016-17"], metrics=["visits"], borough="Bexley",
                            months=list(range(1, 13)))
        part = database.run("branch_year_totals", fys=["2016-17"], metrics=["visits"], borough="Bexley",
                            months=[4, 5])
    finally:
        database.close()
    crayford = year[year["branch"] == "Crayford"].iloc[0]
    assert crayford["value"] == 500 + 1001 + 2 + 898
    assert crayford["provenance"] == "imported", "a year of whole imported quarters is the imported figures"
    assert part[part["branch"] == "Crayford"].iloc[0]["provenance"] == "spread", "two months of a quarter: spread"


def test_fractional_hours_spread_to_the_penny_and_a_period_across_two_years_is_modelled(store):
    enter(store, ("Crayford", "pc_hours_used", D(2016, 7, 1), D(2016, 9, 30), "months", 100.5, None),
          ("Crayford", "visits", D(2017, 2, 1), D(2017, 4, 30), "months", 301, None))
    hours = rows(store, "select value from monthly_figure where branch = 'Crayford' and metric = 'pc_hours_used' "
                        "and month between date '2016-07-01' and date '2016-09-01' order by month")
    assert round(sum(v for (v,) in hours), 9) == 100.5
    straddling = rows(store, "select distinct provenance from monthly_figure where branch = 'Crayford' and "
                             "metric = 'visits' and month >= date '2017-02-01'")
    assert straddling == [("modelled",)]


def test_a_sampled_week_is_never_in_a_month_or_a_year(store):
    enter(store, ("Crayford", "visits", D(2016, 5, 9), D(2016, 5, 15), "sample", 767, "Manual (one week every quarter)"))
    assert rows(store, "select count(*) from monthly_figure where branch = 'Crayford' and month = date '2016-05-01' "
                       "and metric = 'visits'") == [(0,)]
    database = Database(store, read_only=True)
    try:
        year = database.run("year_totals", fys=["2016-17"], metrics=["visits"], borough="Bexley",
                            months=list(range(1, 13)))
    finally:
        database.close()
    assert year.empty or 767 not in set(year["value"])
    assert rows(store, "select branch, days, method from sample_figure") == [
        ("Crayford", 7, "Manual (one week every quarter)")]


def test_an_imported_annual_figure_stands_in_for_the_warehouses(store):
    enter(store, annual=[("Bexley", "2015-16", "active_borrowers", 5100)])
    assert rows(store, "select value, provenance from annual_figure where borough = 'Bexley' and fy = '2015-16' "
                       "and metric = 'active_borrowers'") == [(5100.0, "imported")]
    assert rows(store, "select value from annual_figure where borough = 'Bexley' and fy = '2014-15' "
                       "and metric = 'active_borrowers'") == [(4000.0,)]


def test_a_spread_month_is_called_modelled_and_never_published():
    from libstats import provenance as prov
    assert prov.words("spread") == "an imported count over several months, spread over them (modelled)"
    assert prov.label("spread") == "modelled" and prov.marker("spread") == "◆"
    assert prov.is_modelled("spread") and not prov.is_published("published,spread")
    assert prov.words("imported,spread") == "part modelled (imported and imported count spread over its months (modelled))"
    assert prov.marker("imported,spread") == "◐"


def test_a_quarter_over_months_the_warehouse_holds_replaces_them_and_is_counted_once(store):
    """The fixture warehouse has Crayford's visits for 2015-16 month by month; a quarter imported over April to June
    stands in for those three months (spread by days), never beside them: the months hold one figure each and the
    year's total is the warehouse's other nine months plus the quarter."""
    def year_total():
        return rows(store, "select sum(value) from monthly_figure where branch = 'Crayford' and metric = 'visits' "
                           "and month between date '2015-04-01' and date '2016-03-01'")[0][0]
    before = rows(store, "select sum(value) from monthly_figure where branch = 'Crayford' and metric = 'visits' "
                         "and month between date '2015-04-01' and date '2015-06-01'")[0][0]
    whole = year_total()
    enter(store, ("Crayford", "visits", D(2015, 4, 1), D(2015, 6, 30), "months", 3000, "Automatic"))
    months = rows(store, "select month, value, provenance from monthly_figure where branch = 'Crayford' "
                         "and metric = 'visits' and month between date '2015-04-01' and date '2015-06-01' order by month")
    assert [m for m, _, _ in months] == [D(2015, 4, 1), D(2015, 5, 1), D(2015, 6, 1)], "one figure a month, not two"
    assert sum(v for _, v, _ in months) == 3000 and {p for *_, p in months} == {"spread"}
    assert year_total() == whole - before + 3000
