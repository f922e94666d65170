"""The national-scale warehouse (tools/national.py), built small: the same schema, every query answers,
and the rows are the ones the branches' opening periods call for."""
from __future__ import annotations

from pathlib import Path

import pytest

from libstats import db
from tests.test_queries import SAMPLE, relations_of
from tools import national

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference" / "cipfa" / "service_points_2015_16.csv"
PHYSICAL_METRICS, DIGITAL_METRICS = 11, 2
YEARS, MONTHS = 8, 96


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Three authorities (Bexley, Bromley and the first other one), five service points each."""
    path = tmp_path_factory.mktemp("national") / "national.duckdb"
    result = national.build_national(path, authorities=3, branches_per_authority=5)
    return path, result


@pytest.fixture(scope="module")
def con(small):
    """Both stores as the dashboard lays them out (the figures view overlays the entries store)."""
    database = db.Database(small[0], read_only=True)
    with database.cursor() as c:
        yield c
    database.close()


def one(con, sql: str):
    return con.execute(sql).fetchone()[0]


def test_the_small_build_has_the_authorities_and_branches_asked_for(small, con):
    _, result = small
    assert [r[0] for r in con.execute("select borough from borough order by borough").fetchall()] == \
        ["Barking & Dagenham", "Bexley", "Bromley"]
    per_borough = dict(con.execute("select borough, count(*) from branch where branch_type <> 'digital' "
                                   "group by borough").fetchall())
    assert per_borough == {"Barking & Dagenham": 5, "Bexley": 5, "Bromley": 5}
    assert one(con, "select count(*) from branch where branch_type = 'digital'") == 3
    assert result["rows"]["branch"] == 18
    # names are unique across England: Bexley's and Bromley's central libraries carry their borough
    names = {r[0] for r in con.execute("select branch from branch").fetchall()}
    assert {"Central (Bexley)", "Central (Bromley)", "Crayford", "Digital (Bexley)"} <= names


def test_every_figure_is_modelled_and_the_figures_view_holds_them_all(con):
    assert {r[0] for r in con.execute("select distinct provenance from monthly_figure").fetchall()} == {"modelled"}
    assert {r[0] for r in con.execute("select distinct provenance from annual_figure").fetchall()} == {"modelled"}
    assert one(con, "select count(*) from figures") == \
        one(con, "select count(*) from monthly_figure") + one(con, "select count(*) from annual_figure")
    assert one(con, "select min(month) from monthly_figure").isoformat() == "2010-04-01"
    assert one(con, "select max(month) from monthly_figure").isoformat() == "2018-03-01"


def test_monthly_rows_are_exactly_the_months_each_branch_was_due(small, con):
    """Every metric for every month a branch was open and in its return (per its periods), and no other."""
    due = con.execute("""
        with months as (
            select cast(unnest(generate_series(date '2010-04-01', date '2018-03-01', interval 1 month)) as date) as month
        )
        select b.branch, b.branch_type, count(distinct m.month) as months
        from months m
        join branch_period p on m.month between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
        join branch b on b.branch = p.branch
        where (p.weekly_hours > 0 or p.weekly_hours is null)
          and (b.reports_until is null or m.month <= b.reports_until)
        group by all
    """).fetchall()
    expected = sum(months * (DIGITAL_METRICS if kind == "digital" else PHYSICAL_METRICS) for _, kind, months in due)
    assert one(con, "select count(*) from monthly_figure") == expected == small[1]["rows"]["monthly_figure"]
    # and per branch and metric, the same months (so a gap only ever means closed)
    mismatched = one(con, """
        with present as (select branch, metric, count(*) as n from monthly_figure group by all),
        wanted as (select branch, count(*) as n from (
            select distinct b.branch, m.month
            from (select cast(unnest(generate_series(date '2010-04-01', date '2018-03-01', interval 1 month)) as date)
                  as month) m
            join branch_period p on m.month between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
            join branch b on b.branch = p.branch
            where (p.weekly_hours > 0 or p.weekly_hours is null)
              and (b.reports_until is null or m.month <= b.reports_until)) group by branch)
        select count(*) from present join wanted using (branch) where present.n <> wanted.n
    """)
    assert mismatched == 0


def test_daily_visits_add_up_to_the_monthly_visits(con):
    assert one(con, "select count(*) from wh.daily_visits") == one(con, """
        select sum(day(last_day(f.month))) from monthly_figure f where f.metric = 'visits'""")
    differing = one(con, """
        with daily as (select branch, date_trunc('month', day)::date as month, sum(visits) as visits
                       from wh.daily_visits group by all)
        select count(*) from monthly_figure f join daily d using (branch, month)
        where f.metric = 'visits' and f.value <> d.visits""")
    assert differing == 0
    assert one(con, "select count(*) from wh.daily_visits d anti join branch b using (branch)") == 0


def test_annual_figures_population_and_peers_cover_every_authority_and_year(con):
    annual_metrics = one(con, "select count(*) from metric where grain = 'annual'")
    assert one(con, "select count(*) from annual_figure") == 3 * YEARS * annual_metrics
    assert one(con, "select count(*) from population") == 3 * YEARS
    assert one(con, "select count(distinct authority) from peer_figure where fy = '2015-16'") == 3
    assert one(con, "select count(*) from annual_figure where metric = 'net_expenditure' and value <= 0") == 0
    assert one(con, "select count(*) from event") >= 1


@pytest.mark.parametrize("name", db.query_names())
def test_every_query_runs_on_the_national_warehouse(small, name):
    sample = {**SAMPLE, "borough": "Bexley", "branch": "Crayford", "branches": ["Crayford", "Central (Bexley)"],
              "scope": "Bexley"}
    params = db.query_parameters(name)
    assert params <= sample.keys(), f"add a sample value for {params - sample.keys()} to tests/test_queries.py"
    database = db.Database(small[0], read_only=True)
    try:
        relations = relations_of(name)
        if relations:        # a query over an import's rows: registered empty
            result = database.run_over(name, relations, **{p: sample[p] for p in params})
        else:
            result = database.run(name, **{p: sample[p] for p in params})
        assert len(result.columns) > 0
        if "borough" in params:
            everything = database.run(name, **{p: (None if p == "borough" else sample[p]) for p in params})
            assert len(everything) >= len(result)
    finally:
        database.close()


def test_the_pages_queries_answer_with_figures(small):
    database = db.Database(small[0], read_only=True)
    try:
        years = database.run("financial_years", borough=None)
        assert list(years["fy"]) == [f"{y}-{(y + 1) % 100:02d}" for y in range(2010, 2018)]
        assert set(years["months"]) == {12}
        totals = database.run("year_totals", fys=["2014-15", "2015-16"], metrics=["visits", "active_borrowers"],
                              borough="Bexley", months=list(range(1, 13)))
        assert len(totals) == 4 and (totals["value"] > 0).all()
        assert len(database.run("monthly_totals", fys=["2014-15", "2015-16"], metrics=["visits"], borough=None)) == 24
        assert len(database.run("branch_figures", branch="Crayford")) == MONTHS * PHYSICAL_METRICS
    finally:
        database.close()


def test_the_build_is_deterministic_and_refuses_to_overwrite(small, tmp_path):
    again = tmp_path / "again.duckdb"
    national.build_national(again, authorities=3, branches_per_authority=5)
    fingerprint = "select sum(hash(branch, month, metric, value)) from monthly_figure"
    with db.connect(small[0], read_only=True) as a, db.connect(again, read_only=True) as b:
        assert a.execute(fingerprint).fetchone() == b.execute(fingerprint).fetchone()
    with pytest.raises(FileExistsError):
        national.build_national(again, authorities=3, branches_per_authority=5)


@pytest.mark.skipif(not REFERENCE.exists(), reason="the CIPFA reference folder is not beside this checkout")
def test_the_committed_service_points_are_the_english_ones_of_the_reference(tmp_path):
    copy = tmp_path / "service_points.csv"
    assert national.write_service_points(REFERENCE, copy) == 2839
    assert copy.read_bytes() == national.SERVICE_POINTS_FILE.read_bytes()


def test_the_cli_builds_at_national_scale_on_request(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from libstats.cli import main
    from tools import national
    real = national.build_national
    monkeypatch.setattr(national, "build_national",
                        lambda path, force=False: real(path, force=force, authorities=3, branches_per_authority=2))
    result = CliRunner().invoke(main, ["build", "--scale", "national", "--db", str(tmp_path / "n.duckdb")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Built {tmp_path / 'n.duckdb'} at national scale in ")
    assert " 9 branches, " in result.output     # two service points and a digital library each
