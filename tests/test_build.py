"""Building the warehouse: the figures view, constraints, and a failed build that loses nothing."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from libstats.build import build


def test_figures_view_has_the_agreed_columns(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        cols = [r[0] for r in con.execute("describe figures").fetchall()]
        assert cols == ["borough", "branch", "month", "fy", "metric", "value", "provenance"]
        # March belongs to the financial year that started the April before.
        assert con.execute("select distinct fy from figures where month = date '2016-03-01'").fetchall() == [("2015-16",)]
        # Annual rows: the first month of the year, no branch.
        row = con.execute("select branch, month, value, provenance from figures where borough = 'Bexley' "
                          "and metric = 'active_borrowers' and fy = '2015-16'").fetchone()
        assert (row[0], str(row[1]), row[2], row[3]) == (None, "2015-04-01", 5000.0, "published")


def test_fixture_totals_are_the_hand_computed_ones(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        visits = dict(con.execute("select borough || ' ' || fy, sum(value) from figures where metric = 'visits' "
                                  "group by all").fetchall())
        assert visits == {"Bexley 2014-15": 16800, "Bexley 2015-16": 18000,
                          "Bromley 2014-15": 24000, "Bromley 2015-16": 24000}


@pytest.mark.parametrize("sql,message", [
    ("insert into monthly_figure values ('Crayford', date '2015-04-15', 'visits', 1, 'modelled', null)", "CHECK"),
    ("insert into monthly_figure values ('Crayford', date '2019-04-01', 'visits', -1, 'modelled', null)", "CHECK"),
    ("insert into monthly_figure values ('Crayford', date '2019-04-01', 'visits', 1, 'guessed', null)", "CHECK"),
    ("insert into monthly_figure values ('Nowhere', date '2019-04-01', 'visits', 1, 'modelled', null)", "foreign key"),
    ("insert into monthly_figure values ('Crayford', date '2019-04-01', 'footfall', 1, 'modelled', null)", "foreign key"),
    ("insert into monthly_figure values ('Crayford', date '2015-04-01', 'visits', 1, 'modelled', null)", "primary key"),
    ("insert into monthly_figure values ('Crayford', date '2019-04-01', 'visits', 1, 'imported', null)", "CHECK"),
    ("insert into annual_figure values ('Bexley', '2015/16', 'income', 1, 'modelled', null)", "CHECK"),
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
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("select sum(value) from figures where metric = 'visits'").fetchone()[0] == 82800


def test_force_rebuilds(fixture_db, fixture_seed_dir, tmp_path):
    target = tmp_path / "library.duckdb"
    shutil.copy(fixture_db, target)
    with duckdb.connect(str(target)) as con:
        con.execute("delete from monthly_figure")
    result = build(target, seed_dir=fixture_seed_dir, force=True)
    assert result.rows["monthly_figure"] == 3 * 24 * 8 + 24
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("select count(*) from monthly_figure").fetchone()[0] == 3 * 24 * 8 + 24


def test_an_older_warehouse_is_upgraded_when_opened(tmp_path):
    """A warehouse built before the fy_month calendar gets it (and the view reading it) on opening, data kept."""
    import duckdb

    from libstats.db import Database
    path = tmp_path / "old.duckdb"
    build(path)
    con = duckdb.connect(str(path))
    before = con.execute("select fy, sum(value) from figures where metric = 'visits' group by fy order by fy").fetchall()
    con.execute("drop view figures")
    con.execute("drop table fy_month")
    con.execute("drop macro provenance_union")
    for column in ("kind", "branches", "priority", "modelled_effect", "modelled_first_effect",
                   "modelled_first_months", "modelled_metrics"):
        con.execute(f"alter table event drop column {column}")
    con.execute("create view figures as select b.borough, f.branch, f.month, fy_of(f.month) as fy, f.metric, "
                "f.value, f.provenance from monthly_figure f join branch b using (branch)")
    con.close()
    db = Database(path)
    try:
        after = db._con.execute(
            "select fy, sum(value) from figures where metric = 'visits' group by fy order by fy").fetchall()
        assert after == before
        assert db._con.execute("select fy from fy_month where month = date '2016-03-01'").fetchone() == ("2015-16",)
        assert db.run("branch_trends", metrics=["visits"], borough="Bexley")["provenance"].notna().all()
        assert db.run("events_all", borough=None)["kind"].isna().all(), "the events' new columns, empty"
    finally:
        db.close()


def test_the_data_version_is_kept_until_a_write(tmp_path):
    """Pages ask for the data version on every query: it is read once, and a write makes it read again."""
    from libstats.db import Database
    path = tmp_path / "v.duckdb"
    build(path)
    db = Database(path)
    try:
        first = db.data_version()
        with db.transaction() as cur:
            cur.execute("select 1")
        assert db.data_version() == first + 1
        assert db.data_version() == int(db.scalar("data_version"))
    finally:
        db.close()
