"""Every file in queries/ runs, documents itself, and binds its parameters (registry test)."""
from __future__ import annotations

import pyarrow as pa
import pytest

from libstats import QUERIES_DIR, db
from libstats.importer.checks import PARSED_SCHEMA

SAMPLE = {
    "fy": "2015-16",
    "previous_fy": "2014-15",
    "fys": ["2014-15", "2015-16"],
    "metrics": ["visits"],
    "numerator": ["visits"],
    "chosen": [],
    "measures": ["visits"],
    "borough": "Bexley",
    "months": list(range(1, 13)),
    "branch": "Crayford",
    "branches": ["Crayford", "Central (Bexleyheath)"],
    "boroughs": ["Bexley"],
    "metric": "visits",
    "scope": "Bexley",
    "min_history": 3,
    "typo_ratio": 9.0,
    "quarter_ratio": 2.5,
    "yoy_limit": 0.25,
    "key_metrics": ["visits"],
    "email": "sam@bexley.gov.uk",
    "token_hash": "0" * 64,
}

# Tables of the process a query reads by name (an import's parsed rows): registered empty for these tests.
RELATIONS = {
    "parsed_rows": PARSED_SCHEMA.empty_table(),
    "branch_spans": pa.schema([("branch", pa.string()), ("first_day", pa.date32()),
                               ("last_day", pa.date32())]).empty_table(),
    "checked_figures": pa.schema([("row", pa.int64()), ("column", pa.string()), ("branch", pa.string()),
                                  ("month", pa.date32()), ("metric", pa.string()), ("value", pa.float64()),
                                  ("changes", pa.bool_())]).empty_table(),
}


def relations_of(name: str) -> dict:
    """The tables of the process a query's header says it reads (-- Relations: …), empty."""
    lines = db.query_sql(name).splitlines()
    header = "\n".join(lines[:next(i for i, line in enumerate(lines) if not line.startswith("--"))])
    return {r: table for r, table in RELATIONS.items() if r in header}


@pytest.fixture(scope="module")
def database(fixture_db):
    d = db.Database(fixture_db, read_only=True)
    yield d
    d.close()


@pytest.mark.parametrize("name", db.query_names())
def test_every_query_runs_and_is_documented(database, name):
    sql = db.query_sql(name)
    lines = sql.splitlines()
    header = lines[:next(i for i, line in enumerate(lines) if not line.startswith("--"))]
    assert header[0].startswith("-- ") and any(line.startswith("-- Params:") for line in header), \
        f"{name}.sql needs a header: what it returns, then '-- Params: …'"
    params = db.query_parameters(name)
    assert params <= SAMPLE.keys(), f"add a sample value for {params - SAMPLE.keys()} to this test"
    relations = relations_of(name)
    if relations:
        result = database.run_over(name, relations, **{p: SAMPLE[p] for p in params})
        assert len(result.columns) > 0
        return
    result = database.run(name, **{p: SAMPLE[p] for p in params})
    assert len(result.columns) > 0
    if "borough" in params:
        everything = database.run(name, **{p: (None if p == "borough" else SAMPLE[p]) for p in params})
        assert len(everything) >= len(result)


def test_there_are_queries():
    assert len(db.query_names()) >= 5
    assert all(p.suffix == ".sql" for p in QUERIES_DIR.iterdir())


def test_year_totals_on_the_fixture(database):
    totals = database.run("year_totals", fys=["2015-16"], metrics=["visits", "active_borrowers"],
                          borough="Bexley", months=list(range(1, 13)))
    assert dict(zip(totals["metric"], totals["value"])) == {"active_borrowers": 5000, "visits": 18000}
    # Central's months are a split of the published total, Crayford's modelled: the sum is not published
    assert dict(zip(totals["metric"], totals["provenance"])) == {"active_borrowers": "published", "visits": "modelled,split"}
    part = database.run("year_totals", fys=["2015-16"], metrics=["visits"], borough="Bexley", months=[4, 5, 6])
    assert part["value"].tolist() == [4500]
    # Bromley's whole year of split months is its published total; a quarter of it is not
    bromley = database.run("year_totals", fys=["2015-16"], metrics=["visits"], borough="Bromley", months=list(range(1, 13)))
    assert (bromley["value"].tolist(), bromley["provenance"].tolist()) == ([24000], ["published"])
    quarter = database.run("year_totals", fys=["2015-16"], metrics=["visits"], borough="Bromley", months=[4, 5, 6])
    assert (quarter["value"].tolist(), quarter["provenance"].tolist()) == ([6000], ["split"])
    service = database.run("year_totals", fys=["2015-16"], metrics=["visits"], borough=None, months=list(range(1, 13)))
    assert service["provenance"].tolist() == ["modelled,published,split"]     # Bromley's published, Bexley's not


def test_wrong_parameters_name_the_query(database):
    with pytest.raises(db.QueryError, match="year_totals.*missing"):
        database.run("year_totals", fy="2015-16")
    with pytest.raises(db.QueryError, match="no query named"):
        database.run("no_such_query")
    with pytest.raises(db.QueryError, match="not a query name"):
        database.run("../data/schema")


def test_values_are_bound_not_formatted(database):
    hostile = "Bexley' or '1'='1"
    totals = database.run("year_totals", fys=["2015-16"], metrics=["visits"], borough=hostile,
                          months=list(range(1, 13)))
    assert totals.empty
