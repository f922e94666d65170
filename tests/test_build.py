"""Building the warehouse: the figures view, constraints, and a failed build that loses nothing."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from libstats.build import build
from tests.conftest import inspect


def test_figures_view_has_the_agreed_columns(fixture_db):
    cols = [r[0] for r in inspect(fixture_db, "describe figures")]
    assert cols == ["borough", "branch", "month", "fy", "metric", "value", "provenance"]
    # March belongs to the financial year that started the April before.
    assert inspect(fixture_db, "select distinct fy from figures where month = date '2016-03-01'") == [("2015-16",)]
    # Annual rows: the first month of the year, no branch.
    row = inspect(fixture_db, "select branch, month, value, provenance from figures where borough = 'Bexley' "
                  "and metric = 'active_borrowers' and fy = '2015-16'")[0]
    assert (row[0], str(row[1]), row[2], row[3]) == (None, "2015-04-01", 5000.0, "published")


def test_fixture_totals_are_the_hand_computed_ones(fixture_db):
    visits = dict(inspect(fixture_db, "select borough || ' ' || fy, sum(value) from figures where metric = 'visits' "
                          "group by all"))
    assert visits == {"Bexley 2014-15": 16800, "Bexley 2015-16": 18000,
                      "Bromley 2014-15": 24000, "Bromley 2015-16": 24000}


@pytest.mark.parametrize("sql,message", [
    ("insert into monthly_figure values ('Crayford', date '2015-04-15', 'visits', 1, 'modelled')", "CHECK"),
    ("insert into monthly_figure values ('Crayford', date '2019-04-01', 'visits', -1, 'modelled')", "CHECK"),
    ("insert into monthly_figure values ('Crayford', date '2019-04-01', 'visits', 1, 'guessed')", "CHECK"),
    ("insert into monthly_figure values ('Nowhere', date '2019-04-01', 'visits', 1, 'modelled')", "foreign key"),
    ("insert into monthly_figure values ('Crayford', date '2019-04-01', 'footfall', 1, 'modelled')", "foreign key"),
    ("insert into monthly_figure values ('Crayford', date '2015-04-01', 'visits', 1, 'modelled')", "primary key"),
    ("insert into monthly_figure values ('Crayford', date '2019-04-01', 'visits', 1, 'imported')", "CHECK"),
    ("insert into annual_figure values ('Bexley', '2015/16', 'income', 1, 'modelled')", "CHECK"),
])
def test_the_schema_refuses_bad_rows(fixture_db, tmp_path, sql, message):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(fixture_db, copy)
    with duckdb.connect(str(copy)) as con:
        with pytest.raises(duckdb.Error, match=f"(?i){message}"):
            con.execute(sql)


def test_build_refuses_to_overwrite_without_force(fixture_db, fixture_seed_dir):
    with pytest.raises(FileExistsError, match="--force"):
        build(fixture_db, seed_dir=fixture_seed_dir)


def test_a_failed_build_leaves_the_old_database_as_it_was(fixture_db, fixture_seed_dir, tmp_path):
    target = tmp_path / "library.duckdb"
    shutil.copy(fixture_db, target)
    bad_seed = tmp_path / "bad_seed"
    shutil.copytree(fixture_seed_dir, bad_seed)
    with open(bad_seed / "monthly_figures.csv", "a") as f:
        f.write("Crayford,2015-04-01,visits,-5,modelled\n")   # negative and a duplicate
    before = target.read_bytes()
    with pytest.raises(duckdb.Error):
        build(target, seed_dir=bad_seed, force=True)
    assert target.read_bytes() == before
    assert not list(tmp_path.glob(".*building*")), "no temporary file is left behind"
    assert inspect(target, "select sum(value) from figures where metric = 'visits'")[0][0] == 82800


def test_force_rebuilds(fixture_db, fixture_seed_dir, tmp_path):
    target = tmp_path / "library.duckdb"
    shutil.copy(fixture_db, target)
    with duckdb.connect(str(target)) as con:
        con.execute("delete from monthly_figure")
    result = build(target, seed_dir=fixture_seed_dir, force=True)
    assert result.rows["monthly_figure"] == 3 * 24 * 8 + 24
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("select count(*) from monthly_figure").fetchone()[0] == 3 * 24 * 8 + 24


def test_the_data_version_is_kept_until_a_write(tmp_path):
    """Pages ask for the data version on every query: it is read once, and a write makes it read again."""
    from libstats.db import Database
    path = tmp_path / "v.duckdb"
    build(path)
    db = Database(path)
    try:
        first = db.data_version()
        with db.transaction() as tx:
            tx.run("current_data_version")
        assert db.data_version() == first + 1
        assert db.data_version() == int(db.scalar("data_version"))
    finally:
        db.close()
