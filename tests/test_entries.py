"""What people enter is never lost: the entries store beside the rebuildable warehouse, its migrations,
backup and restore, statements in files run in one transaction, and the data version under threads."""
from __future__ import annotations

import contextlib
import shutil
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner

from libstats import appraisal, build, cli, db, entries, importer
from tests.conftest import FIXTURE_SEED, account, inspect
from tests.test_importer import IMPORTS, snapshot
from tests.test_importer import holding as dashboard_holding  # another process with both stores open

ROOT = Path(__file__).resolve().parent.parent
LONG = IMPORTS / "long.csv"          # three figures for April and May 2016 (tests/fixtures/imports)


@pytest.fixture
def warehouse(fixture_db, fixture_seed_dir, tmp_path) -> Path:
    """A private fixture warehouse (its entries store is made beside it on first open)."""
    path = tmp_path / "library.duckdb"
    shutil.copy(fixture_db, path)
    return path


def run_cli(*args: str):
    result = CliRunner().invoke(cli.main, list(args))
    assert "Traceback" not in result.output
    return result


def enter_everything(path: Path) -> int:
    """An import, a commentary and next year's targets, as the librarian and head of service make them."""
    account(path, "ann", "librarian", ["Bexley", "Bromley"])
    head = account(path, "Jo Bloggs", "head_of_service")
    assert run_cli("import", str(LONG), "--db", str(path), "--user", "ann").exit_code == 0
    database = db.Database(path)
    try:
        appraisal.save_commentary(database, "2015-16", "summary", "Visits held up.", head)
        targets = pd.DataFrame({"Measure": ["Visits"], "Scope": ["Bexley"], "Target": [17500]})
        assert appraisal.save_targets(database, "2016-17", targets, head) == 1
    finally:
        database.close()
    return 1


def what_was_entered(path: Path) -> dict:
    return {
        "imported": inspect(path, "select branch, strftime(month, '%Y-%m'), metric, value from figures "
                                  "where provenance = 'imported' order by all"),
        "commentary": inspect(path, "select fy, section, body, written_by from commentary"),
        "targets": inspect(path, "select metric, scope, fy, value, provenance, set_by from target where fy = '2016-17'"),
        "imports": inspect(path, "select import_id, imported_by, file_name, undone_at from import_batch"),
    }


def test_a_forced_rebuild_keeps_every_import_commentary_and_target_and_undo_still_works(warehouse, fixture_seed_dir):
    enter_everything(warehouse)
    before = what_was_entered(warehouse)
    assert len(before["imported"]) == 3 and before["commentary"] and before["targets"]
    assert before["targets"] == [("visits", "Bexley", "2016-17", 17500.0, "set", "Jo Bloggs")]
    built = run_cli("build", "--force", "--db", str(warehouse), "--seed", str(fixture_seed_dir))
    assert built.exit_code == 0, built.output
    assert f"Entered data is kept in {warehouse.with_name('library.entries.duckdb')}." in built.output
    assert what_was_entered(warehouse) == before
    undone = run_cli("undo-import", "1", "--db", str(warehouse), "--user", "ann")
    assert undone.exit_code == 0, undone.output
    assert inspect(warehouse, "select count(*) from figures where provenance = 'imported'") == [(0,)]
    assert inspect(warehouse, "select undone_by from import_batch") == [("ann",)]


def test_make_build_and_the_dashboard_never_write_the_warehouse(warehouse):
    database = db.Database(warehouse)
    try:
        with database.cursor() as cur:
            modes = dict(cur.execute("select database_name, readonly from duckdb_databases() "
                                     "where database_name in ('wh', 'entries')").fetchall())
            assert modes == {"wh": True, "entries": False}
            with pytest.raises(duckdb.Error, match="read-only"):
                cur.execute("delete from wh.main.monthly_figure")
            with pytest.raises(duckdb.Error):
                cur.execute("delete from monthly_figure")      # an overlay is a view: nothing writes through it
    finally:
        database.close()


def test_a_build_refuses_while_the_dashboard_has_the_warehouse_open(warehouse, fixture_seed_dir):
    enter_everything(warehouse)
    before_bytes = warehouse.read_bytes()
    with dashboard_holding(warehouse):
        result = run_cli("build", "--force", "--db", str(warehouse), "--seed", str(fixture_seed_dir))
    assert result.exit_code == 1
    assert "is in use by another program (most likely the running dashboard)" in result.output
    assert warehouse.read_bytes() == before_bytes, "the warehouse was not replaced"
    assert len(what_was_entered(warehouse)["imported"]) == 3


def test_the_entries_store_is_migrated_once_and_a_newer_one_is_refused(warehouse):
    store = db.entries_path(warehouse)
    assert db.migrate_entries(store) == ["001_entries.sql", "002_accounts_audit.sql", "003_periods.sql"]
    assert db.migrate_entries(store) == [], "a migration is applied once"
    assert db.entries_version(store) == len(db.migrations()) == 3
    con = duckdb.connect(str(store))
    con.execute("insert into schema_version (version, name) values (99, '099_from_the_future.sql')")
    con.close()
    with pytest.raises(db.StoreError, match="schema version 99, written by a newer version"):
        db.Database(warehouse)


def test_a_failed_migration_leaves_the_store_as_it_was(warehouse, tmp_path, monkeypatch):
    folder = tmp_path / "migrations"
    folder.mkdir()
    for real in db.ENTRIES_MIGRATIONS.glob("*.sql"):
        shutil.copy(real, folder)
    following = len(db.migrations()) + 1
    (folder / f"{following:03d}_broken.sql").write_text("create table extra (a integer);\nselect * from no_such_table;\n")
    store = db.entries_path(warehouse)
    db.migrate_entries(store)
    monkeypatch.setattr(db, "ENTRIES_MIGRATIONS", folder)
    with pytest.raises(db.StoreError):
        db.migrate_entries(store)
    assert db.entries_version(store) == following - 1
    con = duckdb.connect(str(store), read_only=True)
    assert not con.execute("select count(*) from duckdb_tables() where table_name = 'extra'").fetchone()[0]
    con.close()


def test_backup_while_the_dashboard_runs_and_restore_after_it_stops(warehouse, tmp_path):
    enter_everything(warehouse)
    entered = what_was_entered(warehouse)
    copy = tmp_path / "backups" / "entries-2016-06-01.duckdb"
    with dashboard_holding(warehouse):
        made = run_cli("backup", str(copy), "--db", str(warehouse))
        assert made.exit_code == 0, made.output
        assert made.output.startswith(f"Backed up {db.entries_path(warehouse)} to {copy}: 1 imports, "
                                      "3 entered figures, 3 history rows, 0 warning reasons, 1 commentary sections")
        refused = run_cli("restore", str(copy), "--db", str(warehouse))
        assert refused.exit_code == 1 and "Nothing was restored" in refused.output and "in use" in refused.output
    assert run_cli("undo-import", "1", "--db", str(warehouse), "--user", "ann").exit_code == 0
    assert what_was_entered(warehouse) != entered
    restored = run_cli("restore", str(copy), "--db", str(warehouse))
    assert restored.exit_code == 0, restored.output
    assert "The store it replaced is kept as" in restored.output
    assert what_was_entered(warehouse) == entered
    kept = list(warehouse.parent.glob("library.entries.before-restore-*.duckdb"))
    assert len(kept) == 1, "the replaced store is kept, so a restore loses nothing"
    again = run_cli("backup", str(copy), "--db", str(warehouse))
    assert again.exit_code == 1 and "already exists" in again.output


def test_restore_refuses_a_file_that_is_not_a_backup(warehouse, tmp_path):
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database\n")
    result = run_cli("restore", str(text), "--db", str(warehouse))
    assert result.exit_code == 1 and result.output.startswith("Error: Nothing was restored:")
    result = run_cli("restore", str(warehouse), "--db", str(warehouse))
    assert result.exit_code == 1 and "is not a backup of the entries store" in result.output


def test_an_import_whose_second_statement_fails_leaves_both_stores_unchanged(warehouse, monkeypatch):
    ann = account(warehouse, "ann")
    before = snapshot(warehouse)
    real = db.statement_sql

    def failing(name: str) -> str:
        return "select * from no_such_table" if name == "insert_figure_history" else real(name)
    monkeypatch.setattr(db, "statement_sql", failing)
    database = db.Database(warehouse)
    try:
        parsed = importer.read_file("long.csv", LONG.read_bytes())
        plan = importer.validate(database, parsed)
        with pytest.raises(db.QueryError, match="insert_figure_history"):
            importer.apply(database, plan, {}, ann, "long.csv", parsed.checksum)
    finally:
        database.close()
    after = snapshot(warehouse)
    for table in before:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)
    assert after["import_batch"].empty, "the import's first statement was rolled back too"


SAMPLES = {
    # statement -> (parameters, tables registered for it). Every statement in statements/ must be here.
    "bump_data_version": ({}, {}),
    "current_data_version": ({}, {}),
    "insert_import_batch": (dict(user="ann", file_name="f.csv", checksum="x", added=1, changed=0, unchanged=0,
                                 shape="long"), {}),
    "insert_figure_history": (dict(import_id=1), {"import_rows": "rows"}),
    "merge_entered_figures": (dict(import_id=1), {"import_rows": "rows"}),
    "insert_import_warnings": (dict(import_id=1), {"import_warnings": "warnings"}),
    "import_batch_of": (dict(id=1), {}),
    "later_changes": (dict(id=1), {}),
    "count_history": (dict(id=1), {}),
    "remove_entered_figures": (dict(id=1), {}),
    "insert_period_history": (dict(import_id=1), {"period_rows": "periods"}),
    "merge_entered_periods": (dict(import_id=1), {"period_rows": "periods"}),
    "remove_entered_periods": (dict(id=1), {}),
    "restore_entered_periods": (dict(id=1), {}),
    "insert_annual_history": (dict(import_id=1), {"annual_rows": "annual"}),
    "merge_entered_annual": (dict(import_id=1), {"annual_rows": "annual"}),
    "remove_entered_annual": (dict(id=1), {}),
    "restore_entered_annual": (dict(id=1), {}),
    "restore_entered_figures": (dict(id=1), {}),
    "mark_import_undone": (dict(id=1, user="ann"), {}),
    "delete_commentary": (dict(fy="2015-16", section="summary"), {}),
    "insert_commentary": (dict(fy="2015-16", section="summary", body="b", author="a"), {}),
    "clear_year_targets": (dict(fy="2016-17"), {}),
    "clear_target_year": (dict(fy="2016-17"), {}),
    "insert_target_year": (dict(fy="2016-17", author="a"), {}),
    "insert_target": (dict(metric="visits", scope="Bexley", fy="2016-17", value=1.0, note="n"), {}),
    "insert_audit_event": (dict(who="ann", action="import", what="import 1", address="127.0.0.1"), {}),
    "account_named": (dict(account="ann"), {}),
    "account_with_email": (dict(email="Ann@Example.org"), {}),
    "account_of_session": (dict(token_hash="x"), {}),
    "insert_account": (dict(account="eve", email="eve@example.org", role="librarian", scopes=["Bexley"],
                            password_hash=None, created_by="test"), {}),
    "update_account": (dict(account="ann", email=None, role="administrator", scopes=[], password_hash=None,
                            disabled=False), {}),
    "record_failed_sign_in": (dict(account="ann", max_failures=5, minutes=15), {}),
    "clear_failed_sign_ins": (dict(account="ann"), {}),
    "insert_sign_in_session": (dict(token_hash="x", account="ann", hours=8, address=None), {}),
    "end_sign_in_session": (dict(token_hash="x"), {}),
    "end_sessions_of": (dict(account="ann"), {}),
}
LEGACY = {name for name in db.statement_names() if name.startswith("copy_legacy_")}


def registered_tables() -> dict:
    rows = pa.table({"file_row": pa.array([2], pa.int32()), "branch": ["Crayford"],
                     "month": pa.array([pd.Timestamp("2016-04-01").date()], pa.date32()), "metric": ["visits"],
                     "old_value": pa.array([None], pa.float64()), "old_provenance": pa.array([None], pa.string()),
                     "old_import_id": pa.array([None], pa.int32()), "new_value": [510.0],
                     "method": pa.array(["Automatic"], pa.string())})
    periods = pa.table({"file_row": pa.array([2], pa.int32()), "branch": ["Crayford"], "metric": ["visits"],
                        "period_start": pa.array([pd.Timestamp("2016-04-01").date()], pa.date32()),
                        "period_end": pa.array([pd.Timestamp("2016-06-30").date()], pa.date32()), "grain": ["months"],
                        "old_value": pa.array([None], pa.float64()), "old_method": pa.array([None], pa.string()),
                        "old_import_id": pa.array([None], pa.int32()), "new_value": [1500.0],
                        "method": pa.array(["Automatic"], pa.string())})
    annual = pa.table({"file_row": pa.array([2], pa.int32()), "borough": ["Bexley"], "fy": ["2016-17"],
                       "metric": ["active_borrowers"], "old_value": pa.array([None], pa.float64()),
                       "old_provenance": pa.array([None], pa.string()), "old_import_id": pa.array([None], pa.int32()),
                       "new_value": [41230.0]})
    warnings = pd.DataFrame({"key": ["yoy:Crayford:2016-04:visits"], "check_name": ["yoy"], "branch": ["Crayford"],
                             "month": ["2016-04"], "metric": ["visits"], "message": ["m"], "reason": ["r"]})
    return {"rows": rows, "warnings": warnings, "periods": periods, "annual": annual}


def test_every_statement_is_covered_here():
    assert set(db.statement_names()) == set(SAMPLES) | LEGACY
    for name in db.statement_names():
        lines = db.statement_sql(name).splitlines()
        header = lines[:next(i for i, line in enumerate(lines) if not line.startswith("--"))]
        assert len(header) >= 2 and header[-1].startswith("-- Params:"), f"{name}: a header saying what and its params"


class Rollback(Exception):
    pass


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_statement_runs_inside_a_transaction_that_is_rolled_back(warehouse, name):
    params, tables = SAMPLES[name]
    database = db.Database(warehouse)
    try:
        version = database.data_version()
        with pytest.raises(Rollback):
            with database.transaction() as tx:
                # the statements that need an import or a target year to refer to get one first
                tx.run("insert_import_batch", **SAMPLES["insert_import_batch"][0])
                if name != "insert_target_year":
                    tx.run("insert_target_year", fy="2016-17", author="a")
                with contextlib.ExitStack() as stack:
                    data = registered_tables()
                    for table, key in tables.items():
                        stack.enter_context(tx.registered(table, data[key]))
                    tx.run(name, **params)
                raise Rollback
        assert database.data_version() == version
        assert database.run("import_history").empty
    finally:
        database.close()


def test_the_data_version_is_never_rolled_back_by_a_reader(warehouse):
    """Readers ask for the version while commits happen: none may keep a number from before the last commit."""
    database = db.Database(warehouse)
    head = account(database, "Jo", "head_of_service")
    stop = threading.Event()
    failures: list[str] = []

    def reader():
        while not stop.is_set():
            database.data_version()
            time.sleep(0.0002)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        for round_ in range(40):
            # back-to-back writes: a reader that read the number between them must not keep it after the second
            appraisal.save_commentary(database, "2015-16", "summary", f"round {round_}", head)
            appraisal.save_commentary(database, "2015-16", "summary", f"round {round_}, again", head)
            time.sleep(0.002)
            stored = int(database.scalar("data_version"))
            if database.data_version() != stored:
                failures.append(f"round {round_}: kept {database.data_version()}, stored {stored}")
    finally:
        stop.set()
        for t in readers:
            t.join()
        database.close()
    assert failures == []


def legacy_warehouse(path: Path) -> None:
    """A warehouse as the previous version built it, with an import, commentary and targets set inside."""
    con = duckdb.connect(str(path))
    con.execute((ROOT / "tests" / "fixtures" / "legacy_warehouse.sql").read_text(encoding="utf-8"))
    for file_name, table in build.SEED_TABLES:
        source = FIXTURE_SEED / file_name if (FIXTURE_SEED / file_name).exists() else db.DEFAULT_DB.parent / "seed" / file_name
        columns = [r[0] for r in con.execute("select column_name from duckdb_columns() where table_name = $t "
                                             "order by column_index", {"t": table}).fetchall()]
        kept = [c for c in columns if c in open(source, encoding="utf-8").readline().strip().split(",")]
        # the old tables' own columns (the seed has grown since): names from the catalog, not from input
        # the old vocabulary: a split of a published total was called published, an illustrative target modelled
        old = {"provenance": "case provenance when 'split' then 'published' when 'illustrative' then 'modelled' "
                             "else provenance end"}
        con.execute("insert into " + table + " (" + ", ".join(kept) + ") select " + ", ".join(old.get(c, c) for c in kept)
                    + " from read_csv($p, header = true, all_varchar = true)", {"p": str(source)})
    con.execute("insert into data_version values (7, current_timestamp, 'old')")
    con.execute("insert into import_batch (imported_by, file_name, checksum, rows_added) values ('ann', 'may.csv', 'c', 1)")
    con.execute("insert into monthly_figure values ('Crayford', date '2016-05-01', 'visits', 520, 'imported', 1)")
    con.execute("insert into figure_history values (1, 'Crayford', date '2016-05-01', 'visits', null, null, null, 520, 2)")
    con.execute("insert into commentary values ('2015-16', 'summary', 'Kept through the upgrade.', 'Jo', current_timestamp)")
    con.execute("delete from target where fy = '2015-16'")
    con.execute("insert into target values ('visits', 'Bexley', '2015-16', 18500, 'set', 'Set by Jo', 'Jo', current_timestamp)")
    con.close()


def test_a_warehouse_from_before_the_entries_store_has_its_entries_moved_not_lost(tmp_path):
    path = tmp_path / "library.duckdb"
    legacy_warehouse(path)
    with pytest.raises(db.LegacyWarehouse, match="python -m libstats build --force"):
        db.Database(path)
    assert build.ensure_current(path).startswith("moved the entered data of")
    assert not db.is_legacy_warehouse(path)
    assert inspect(path, "select branch, value, provenance, import_id from monthly_figure where provenance = 'imported'") == \
        [("Crayford", 520.0, "imported", 1)]
    assert inspect(path, "select body, written_by from commentary") == [("Kept through the upgrade.", "Jo")]
    assert inspect(path, "select value, provenance, set_by from target where fy = '2015-16'") == [(18500.0, "set", "Jo")]
    database = db.Database(path)
    try:
        ann = account(database, "ann", "librarian", ["Bexley", "Bromley"])
        undone = importer.undo(database, 1, ann)
        assert undone.message.startswith("Import 1 (may.csv) undone: 0 figures restored")
        # The warehouse is now the project's seed, where these small figures look like typos: give reasons.
        again = importer.read_file("long.csv", LONG.read_bytes())
        plan = importer.validate(database, again)
        reasons = {w.key: "Checked with the branch" for w in plan.warnings}
        result = importer.apply(database, plan, reasons, ann, "long.csv", again.checksum)
        assert result.import_id == 2, "import numbers carry on after the ones moved"
    finally:
        database.close()


def test_a_warehouse_from_an_older_schema_is_rebuilt_and_its_entries_kept(tmp_path):
    path = tmp_path / "library.duckdb"
    build.build(path)
    enter = db.Database(path)
    appraisal.save_commentary(enter, "2015-16", "summary", "Still here.", account(enter, "Jo", "head_of_service"))
    enter.close()
    con = duckdb.connect(str(path))
    con.execute("update build_info set schema_checksum = 'older'")
    con.close()
    with pytest.raises(db.StaleWarehouse, match="build --force"):
        db.Database(path)
    assert build.ensure_current(path) == f"rebuilt {path} from the seed for the new warehouse schema (entries kept)"
    assert inspect(path, "select body from commentary") == [("Still here.",)]


def test_moving_a_legacy_warehouse_refuses_to_merge_into_a_store_that_has_entries(tmp_path):
    path = tmp_path / "library.duckdb"
    legacy_warehouse(path)
    other = tmp_path / "other.duckdb"
    shutil.copy(path, other)
    build.ensure_current(other)                    # other.entries.duckdb now holds the import
    with pytest.raises(db.StoreError, match="already holds some too"):
        entries.adopt_legacy(path, db.entries_path(other))
    assert db.is_legacy_warehouse(path), "the warehouse is left as it was"
