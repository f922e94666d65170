"""Who may see and change what (issue 16): each role on each write path, allowed and refused, with the audit row
written with the change and absent when it was refused; lockout; sessions; the command line; the pages."""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from libstats import STATEMENTS_DIR, appraisal, auth, cli, db, importer, signin
from tests.conftest import PASSWORD, account, shown, sign_in_token, signed_in

BEXLEY = b"month,borough,branch,metric,value\n2016-04,Bexley,Crayford,visits,520\n2016-04,,bexleyheath,visits,990\n"
MIXED = (b"month,borough,branch,metric,value\n2016-04,Bexley,Crayford,visits,520\n"
         b"2016-04,Bromley,Central (Bromley),visits,2000\n2016-05,Bromley,Central (Bromley),visits,2010\n")
BROMLEY = b"month,borough,branch,metric,value\n2016-04,Bromley,Central (Bromley),visits,2000\n"
TARGETS = pd.DataFrame({"Measure": ["Visits"], "Scope": ["Bexley"], "Target": [17500]})
PEOPLE = {   # name: (role, scopes)
    "Sam": ("librarian", ["Bexley"]), "Bea": ("librarian", ["Bromley"]), "Cray": ("librarian", ["Crayford"]),
    "Jo": ("head_of_service", []), "Ada": ("administrator", []), "Vic": ("viewer", []),
}


@pytest.fixture
def path(fixture_db, tmp_path):
    copy = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, copy)
    for name, (role, scopes) in PEOPLE.items():
        account(copy, name, role, scopes)
    return copy


@pytest.fixture
def database(path):
    d = db.Database(path)
    yield d
    d.close()


def as_(name):
    return auth.Actor.command_line(name)


def trail(database, action=None) -> list[tuple]:
    rows = auth.audit_trail(database)
    if action:
        rows = rows[rows["action"] == action]
    return list(rows[["who", "action", "what"]].itertuples(index=False, name=None))


def plan_of(database, content, name="return.csv"):
    parsed = importer.read_file(name, content)
    return importer.validate(database, parsed)


def do_import(database, who, content=BEXLEY, name="return.csv"):
    plan = plan_of(database, content, name)
    return importer.apply(database, plan, {w.key: "checked" for w in plan.warnings}, as_(who), name, plan.checksum)


def imports(database) -> list[tuple]:
    return list(importer.history(database)[["import_id", "imported_by", "undone_by"]].itertuples(index=False, name=None))


# ------------------------------------------------------------------------------------------ imports

@pytest.mark.parametrize("who", ["Sam", "Jo", "Ada"])
def test_an_import_in_scope_is_recorded_and_audited_with_the_account(database, who):
    result = do_import(database, who)
    assert result.message == "Import 1: return.csv: 2 figures added, 0 changed, 0 unchanged."
    assert imports(database) == [(1, who, None)]
    [(by, action, what)] = trail(database, "import")
    assert (by, action) == (who, "import")
    assert what.startswith("import 1: return.csv (sha256 ") and what.endswith("2 figures added, 0 changed, for Bexley")


@pytest.mark.parametrize("who,refusal", [
    ("Bea", "Rows 2 and 3 are for Central (Bexleyheath), Crayford in Bexley, outside Bea's scope (Bromley): "
            "nothing from this file was imported."),
    ("Cray", "Row 3 is for Central (Bexleyheath) in Bexley, outside Cray's scope (Crayford): "
             "nothing from this file was imported."),
    ("Vic", "Only librarians, the head of service and administrators may import figures; Vic (viewer) may not. "
            "Nothing was changed."),
])
def test_an_import_outside_the_scope_or_by_a_viewer_is_refused_by_the_importer_and_leaves_no_trace(database, who, refusal):
    before = auth.audit_trail(database)
    with pytest.raises(importer.ImportRefused) as caught:
        do_import(database, who)
    assert str(caught.value) == refusal
    assert imports(database) == []
    assert database.run("import_changes").empty
    pd.testing.assert_frame_equal(auth.audit_trail(database), before)


def test_a_file_partly_outside_the_scope_is_refused_whole_naming_the_rows(database):
    with pytest.raises(importer.ImportRefused, match=r"^Rows 3 and 4 are for Central \(Bromley\) in Bromley, outside "
                                                     r"Sam's scope \(Bexley\)"):
        do_import(database, "Sam", MIXED)
    assert imports(database) == [] and trail(database, "import") == []


def test_a_branch_scope_allows_that_branch_only(database):
    assert do_import(database, "Cray", b"month,branch,metric,value\n2016-04,Crayford,visits,520\n").import_id == 1


def test_an_unknown_or_disabled_account_and_no_sign_in_are_refused(database):
    with pytest.raises(importer.ImportRefused, match="^There is no account called “Nobody”"):
        do_import(database, "Nobody")
    auth.change_account(database, "Sam", disabled=True, by="Ada")
    with pytest.raises(importer.ImportRefused, match="^The account Sam is disabled"):
        do_import(database, "Sam")
    plan = plan_of(database, BEXLEY)
    with pytest.raises(importer.ImportRefused, match="^Sign in first"):
        importer.apply(database, plan, {}, None, "return.csv", plan.checksum)
    assert imports(database) == [] and trail(database, "import") == []


# ------------------------------------------------------------------------------------------ undo

def test_undo_is_the_importers_own_or_the_head_of_services_or_an_administrators(database):
    do_import(database, "Sam")                                   # 1, Bexley, by Sam
    do_import(database, "Bea", BROMLEY, "bromley.csv")           # 2, Bromley, by Bea
    with pytest.raises(importer.ImportRefused) as caught:
        importer.undo(database, 2, as_("Sam"))
    assert str(caught.value) == ("Import 2 was made by Bea: only they, the head of service or an administrator may "
                                 "undo it, not Sam. Nothing was changed.")
    with pytest.raises(importer.ImportRefused, match="^Only librarians, the head of service and administrators may "
                                                     "undo imports; Vic"):
        importer.undo(database, 2, as_("Vic"))
    assert trail(database, "undo") == [] and imports(database) == [(2, "Bea", None), (1, "Sam", None)]
    assert importer.undo(database, 1, as_("Sam")).message.startswith("Import 1 (return.csv) undone")
    assert importer.undo(database, 2, as_("Jo")).message.startswith("Import 2 (bromley.csv) undone")
    assert imports(database) == [(2, "Bea", "Jo"), (1, "Sam", "Sam")]
    assert [(w, a) for w, a, _ in trail(database, "undo")] == [("Jo", "undo"), ("Sam", "undo")]
    assert trail(database, "undo")[0][2] == ("undid import 2 (bromley.csv, made by Bea): 0 figures restored, "
                                             "1 added figure removed")
    do_import(database, "Bea", BROMLEY, "again.csv")
    assert importer.undo(database, 3, as_("Ada")).import_id == 3


# ------------------------------------------------------------------------------------------ commentary and targets

@pytest.mark.parametrize("who", ["Sam", "Ada", "Vic"])
def test_commentary_and_targets_are_the_head_of_services_alone(database, who):
    role = auth.ROLES[PEOPLE[who][0]]
    with pytest.raises(auth.Refused) as caught:
        appraisal.save_commentary(database, "2015-16", "summary", "Visits held up.", as_(who))
    assert str(caught.value).startswith(f"Only the head of service may write the appraisal's commentary; {who} ({role}")
    with pytest.raises(auth.Refused) as caught:
        appraisal.save_targets(database, "2016-17", TARGETS, as_(who))
    assert str(caught.value).startswith(f"Only the head of service may set next year's targets; {who} ({role}")
    assert database.run("commentary_for_year", fy="2015-16").empty
    assert database.run("targets_in_year", fy="2016-17").empty
    assert trail(database, "commentary") == [] and trail(database, "targets") == []


def test_the_head_of_service_writes_both_under_their_own_name_and_both_are_audited(database):
    appraisal.save_commentary(database, "2015-16", "summary", "Visits held up.", as_("Jo"))
    assert appraisal.save_targets(database, "2016-17", TARGETS, as_("Jo")) == 1
    notes = database.run("commentary_for_year", fy="2015-16")
    assert notes[["body", "written_by"]].values.tolist() == [["Visits held up.", "Jo"]]
    assert database.run("targets_for", metric="visits", scope="Bexley").query("fy == '2016-17'")["note"].tolist() == ["Set by Jo"]
    assert trail(database, "commentary") == [("Jo", "commentary", "2015-16, 1. Summary: 15 characters")]
    assert trail(database, "targets") == [("Jo", "targets", "2016-17: 1 targets set: visits Bexley 17,500")]


@pytest.mark.parametrize("failing", ["insert_audit_event", "insert_commentary"])
def test_the_audit_row_and_the_change_are_one_transaction(database, monkeypatch, failing):
    real = db.statement_sql
    monkeypatch.setattr(db, "statement_sql", lambda name: "select * from no_such_table" if name == failing else real(name))
    with pytest.raises(db.QueryError, match=failing):
        appraisal.save_commentary(database, "2015-16", "summary", "Visits held up.", as_("Jo"))
    monkeypatch.undo()
    assert database.run("commentary_for_year", fy="2015-16").empty, "no change without its audit row"
    assert trail(database, "commentary") == [], "no audit row without its change"


def test_an_import_whose_audit_row_fails_is_rolled_back_whole(database, monkeypatch):
    real = db.statement_sql
    monkeypatch.setattr(db, "statement_sql", lambda n: "select * from no_such_table" if n == "insert_audit_event" else real(n))
    with pytest.raises(db.QueryError):
        do_import(database, "Sam")
    monkeypatch.undo()
    assert imports(database) == [] and database.run("import_changes").empty


def test_nothing_in_the_app_can_change_or_remove_the_audit_trail():
    for sql in STATEMENTS_DIR.glob("*.sql"):
        text = re.sub(r"--[^\n]*", "", sql.read_text()).lower()
        assert not re.search(r"\b(update|delete\s+from|truncate|drop)\b[^;]*audit_event", text), sql.name
    assert "audit_event" in (STATEMENTS_DIR / "insert_audit_event.sql").read_text()


# ------------------------------------------------------------------------------------------ passwords, lockout, sessions

def test_passwords_are_bcrypt_hashes_and_never_leave_the_store(database, path):
    with db.Database(path).cursor() as cur:
        stored = cur.execute("select password_hash from entries.account where name = 'Sam'").fetchone()[0]
    assert stored.startswith("$2b$") and PASSWORD not in stored
    assert "password_hash" not in auth.accounts(database).columns
    with pytest.raises(auth.Refused, match="at least 12 characters"):
        auth.add_account(database, "Short", "viewer", password="tiny")


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused_until_unlocked(database):
    wrong = "That name and password do not match an account. Try again (capitals count)."
    for _ in range(auth.MAX_FAILURES - 1):
        with pytest.raises(auth.Refused, match=re.escape(wrong)):
            auth.sign_in(database, "Sam", "not the password at all", "10.0.0.7")
    with pytest.raises(auth.Refused, match="^The account Sam is now locked for 15 minutes after 5 wrong passwords"):
        auth.sign_in(database, "Sam", "not the password at all", "10.0.0.7")
    with pytest.raises(auth.Refused, match="^The account Sam is locked after 5 wrong passwords, until "):
        auth.sign_in(database, "Sam", PASSWORD, "10.0.0.7")
    rows = auth.audit_trail(database)
    assert rows["action"].tolist()[:3] == ["sign_in_failed", "locked_out", "sign_in_failed"]
    signing_in = rows[rows["action"].isin(["sign_in_failed", "locked_out"])]
    assert len(signing_in) == 7 and set(signing_in["address"]) == {"10.0.0.7"}
    assert rows["what"].iloc[1] == "locked for 15 minutes after 5 wrong passwords"
    assert auth.change_account(database, "Sam", unlock=True, by="Ada") == "Sam: unlocked"
    token, who = auth.sign_in(database, "Sam", PASSWORD, "10.0.0.7")
    assert who == auth.Identity("Sam", "librarian", ("Bexley",)) and len(token) >= 40
    assert trail(database)[0] == ("Sam", "sign_in", "signed in with a password as Sam (librarian: Bexley)")


def test_an_unknown_name_is_refused_like_a_wrong_password_and_audited(database):
    with pytest.raises(auth.Refused, match="^That name and password do not match"):
        auth.sign_in(database, "Mallory", PASSWORD)
    assert trail(database)[0] == ("Mallory", "sign_in_failed", "no such account")


def test_a_session_token_is_kept_hashed_and_stops_working_at_sign_out(database, path):
    token, _ = auth.sign_in(database, "Sam", PASSWORD)
    with db.Database(path).cursor() as cur:
        kept = [r[0] for r in cur.execute("select token_hash from entries.sign_in_session").fetchall()]
    assert token not in kept and auth.token_hash(token) in kept
    plan = plan_of(database, BEXLEY)
    assert importer.apply(database, plan, {}, auth.Actor.session(token), "return.csv", plan.checksum).import_id == 1
    auth.sign_out(database, token)
    assert trail(database)[0][:2] == ("Sam", "sign_out")
    with pytest.raises(importer.ImportRefused, match="^Your sign-in has ended"):
        importer.undo(database, 1, auth.Actor.session(token))
    with pytest.raises(importer.ImportRefused, match="^Your sign-in has ended"):
        importer.undo(database, 1, auth.Actor.session("a forged token"))
    assert imports(database) == [(1, "Sam", None)]


def test_a_change_of_role_ends_the_sessions_so_the_old_role_cannot_be_used(database):
    token, _ = auth.sign_in(database, "Jo", PASSWORD)
    auth.change_account(database, "Jo", role="librarian", scopes=["Bexley"], by="Ada")
    with pytest.raises(auth.Refused, match="^Your sign-in has ended"):
        appraisal.save_commentary(database, "2015-16", "summary", "Still head?", auth.Actor.session(token))
    with pytest.raises(auth.Refused, match="^Only the head of service may write"):
        appraisal.save_commentary(database, "2015-16", "summary", "Still head?", as_("Jo"))
    assert trail(database, "account_changed") == [("Ada", "account_changed", "Jo: role head of service → librarian; "
                                                                             "scope none → Bexley")]


def test_the_identity_providers_email_finds_the_account(database):
    account(database, "Olive", "head_of_service", email="Olive@Bexley.gov.uk", password=None)
    appraisal.save_commentary(database, "2015-16", "summary", "Through the IdP.", auth.Actor.oidc("olive@bexley.gov.uk"))
    assert database.run("commentary_for_year", fy="2015-16")["written_by"].tolist() == ["Olive"]
    with pytest.raises(auth.Refused, match="^stranger@example.org has no account here"):
        appraisal.save_commentary(database, "2015-16", "summary", "x", auth.Actor.oidc("stranger@example.org"))
    with pytest.raises(auth.Refused, match="^That name and password do not match"):
        auth.sign_in(database, "Olive", "")            # no password: the identity provider only


# ------------------------------------------------------------------------------------------ the command line

def run(*args, input=None):
    result = CliRunner().invoke(cli.main, list(args), input=input)
    assert "Traceback" not in result.output
    return result


def test_the_first_administrator_in_one_command_then_the_rest(fixture_db, tmp_path):
    path = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, path)
    assert run("users", "list", "--db", str(path)).output == (
        "No accounts yet. Make the first administrator with: python -m libstats users add NAME --role administrator\n")
    made = run("users", "add", "Ada", "--role", "administrator", "--db", str(path), input=f"{PASSWORD}\n{PASSWORD}\n")
    assert made.exit_code == 0 and made.output.endswith("Added Ada (administrator).\n")
    assert run("users", "add", "Sam", "--role", "librarian", "--scope", "bexley", "--scope", "Central (Bromley)",
               "--password-stdin", "--db", str(path), input=f"{PASSWORD}\n").output == \
        "Added Sam (librarian: Bexley, Central (Bromley)).\n"
    bad = run("users", "add", "Lee", "--role", "librarian", "--scope", "Lewisham", "--password-stdin", "--db", str(path),
              input=f"{PASSWORD}\n")
    assert bad.exit_code == 1 and bad.output == ("Error: “Lewisham” is neither a borough (Bexley, Bromley) nor a branch "
                                                 "the warehouse knows.\n")
    assert run("users", "list", "--db", str(path)).output == (
        "Ada: administrator; password\nSam: librarian (Bexley, Central (Bromley)); password\n")
    audit = run("audit", "--db", str(path)).output.splitlines()
    assert audit[0] == "audit_id,happened_at,who,action,what,address" and len(audit) == 3
    assert ",account_added,added Ada (administrator), with a password,command line (" in audit[2].replace('"', "")


def test_the_command_line_import_checks_the_accounts_scope_and_names_the_rows(path, tmp_path):
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(MIXED)
    refused = run("import", str(mixed), "--db", str(path), "--user", "Sam", "--accept-warnings", "checked")
    assert refused.exit_code == 1
    assert ("  Refused: Rows 3 and 4 are for Central (Bromley) in Bromley, outside Sam's scope (Bexley): nothing from "
            "this file was imported.") in refused.output
    unknown = run("import", str(mixed), "--db", str(path), "--user", "Nobody")
    assert unknown.exit_code == 1 and unknown.output.startswith("Error: There is no account called “Nobody”")
    viewer = run("import", str(mixed), "--db", str(path), "--user", "Vic")
    assert viewer.exit_code == 1 and viewer.output == "Error: Vic (viewer) may not import figures. Nothing was imported.\n"
    done = run("import", str(mixed), "--db", str(path), "--user", "Bea", "--accept-warnings", "checked")
    assert done.exit_code == 1 and "outside Bea's scope (Bromley)" in done.output
    ok = run("import", str(mixed), "--db", str(path), "--user", "Jo", "--accept-warnings", "checked")
    assert ok.exit_code == 0, ok.output
    undo = run("undo-import", "1", "--db", str(path), "--user", "Sam")
    assert undo.exit_code == 1 and undo.output == ("Error: Import 1 was made by Jo: only they, the head of service or an "
                                                   "administrator may undo it, not Sam. Nothing was changed.\n")
    database = db.Database(path)
    try:
        assert [a for _, a, _ in trail(database) if a in ("import", "undo")] == ["import"]
    finally:
        database.close()


# ------------------------------------------------------------------------------------------ the pages

def texts(at) -> list[str]:
    return [shown(e.value) for kind in ("markdown", "caption", "info", "error", "warning", "success")
            for e in getattr(at, kind)]


def assert_not_listed(at, page: str) -> None:
    """The navigation of this session does not list the page (AppTest switches only to listed pages)."""
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


def assert_page_refuses(path, page: str, token: str | None) -> None:
    """The page script run on its own (its address reached directly) shows only its refusal."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(signin.__file__).replace("libstats/signin.py", page), default_timeout=60)
    if token:
        at.session_state[signin.TOKEN] = token
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [shown(e.value) for e in at.error] == [
        "Only the head of service and administrators may see the audit trail. Sign in as one of them."]
    assert not at.dataframe and not at.get("download_button")


def edit_toggle(at) -> list:
    """The appraisal's switch for the commentary and targets forms, if the page shows it."""
    return [t for t in at.toggle if t.key == "appraisal_edit"]


def test_with_no_account_the_write_pages_say_how_to_make_the_first_administrator(fixture_db, make_app, tmp_path):
    copy = tmp_path / "db.duckdb"
    shutil.copy(fixture_db, copy)
    at = make_app(copy, fy="2015-16", scope="Bexley")
    for page in ("pages/data.py", "pages/appraisal.py", "pages/sign_in.py"):
        at.switch_page(page).run()
        assert any(signin.FIRST_ADMIN in t for t in texts(at)), page
    assert not at.get("file_uploader") and not edit_toggle(at)


def test_a_viewer_sees_every_page_but_no_write_control_and_the_audit_page_refuses(path, make_app):
    at = make_app(path, fy="2015-16", scope="Bexley")
    at.switch_page("pages/data.py").run()
    assert not at.get("file_uploader")
    assert "Sign in as a librarian to import returns (the Sign in page, in the sidebar)." in texts(at)
    at.switch_page("pages/appraisal.py").run()
    assert not edit_toggle(at) and not at.text_area
    at.session_state["appraisal_edit"] = True          # the toggle's state, forged: still no forms
    at.run()
    assert not at.text_area and not at.main.text_input
    assert [b.label for b in at.main.button] == ["Build the HTML pack", "Build the PDF pack"], "reading only"
    assert_not_listed(at, "pages/audit.py")
    assert_page_refuses(path, "pages/audit.py", None)


def test_a_forged_token_in_session_state_signs_no_one_in(path, make_app):
    at = make_app(path, fy="2015-16", scope="Bexley")
    at.session_state[signin.TOKEN] = "made up"
    at.switch_page("pages/data.py").run()
    assert not at.get("file_uploader") and not any(t.startswith("Signed in as") for t in texts(at))


def test_signing_in_on_the_page_and_signing_out(path, make_app):
    at = make_app(path, fy="2015-16", scope="Bexley")
    at.switch_page("pages/sign_in.py").run()
    at.text_input(key="sign_in_name_page").set_value("Sam")
    at.text_input(key="sign_in_password_page").set_value("wrong password, twelve+")
    at.button(key="sign_in_submit_page").click().run()
    assert [shown(e.value) for e in at.error] == ["That name and password do not match an account. Try again (capitals count)."]
    at.text_input(key="sign_in_name_page").set_value("Sam")
    at.text_input(key="sign_in_password_page").set_value(PASSWORD)
    at.button(key="sign_in_submit_page").click().run()
    assert "Signed in as Sam (librarian: Bexley)." in texts(at)
    at.sidebar.button(key="sign_out").click().run()
    assert signin.TOKEN not in at.session_state
    database = db.Database(path)
    try:
        assert [a for _, a, _ in trail(database)][:3] == ["sign_out", "sign_in", "sign_in_failed"]
    finally:
        database.close()


def test_a_librarian_is_refused_another_boroughs_file_on_the_page_with_the_rows_named(path, make_app):
    at = signed_in(make_app(path, fy="2015-16", scope="Bexley"), path, "Sam")
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="upload").set_value([("mixed.csv", MIXED, "text/csv")]).run()
    assert ("Rows 3 and 4 are for Central (Bromley) in Bromley, outside Sam's scope (Bexley): nothing from this file was "
            "imported.") in [shown(e.value) for e in at.error]
    assert not [b for b in at.button if b.key == "confirm_0"]
    at.switch_page("pages/appraisal.py").run()
    assert not edit_toggle(at), "the forms are the head of service's"
    assert_not_listed(at, "pages/audit.py")
    assert_page_refuses(path, "pages/audit.py", sign_in_token(path, "Sam"))


def test_a_librarian_is_offered_only_their_own_imports_to_undo(path, make_app):
    database = db.Database(path)
    try:
        do_import(database, "Sam")                              # 1
        do_import(database, "Bea", BROMLEY, "b.csv")           # 2
    finally:
        database.close()
    at = signed_in(make_app(path, fy="2015-16", scope="Bexley"), path, "Sam")
    at.switch_page("pages/data.py").run()
    at.session_state["data_tab"] = "Import history"
    at.run()
    assert at.selectbox(key="undo_choice").options == ["1: return.csv (Sam)"], "only Sam's own import is offered"
    at.button(key="undo_button").click().run()
    assert [shown(s.value) for s in at.success] == [
        "Import 1 (return.csv) undone: 0 figures restored to the earlier values, 2 added figures removed."]


def test_a_replayed_undo_after_the_role_changed_undoes_nothing(path, make_app):
    database = db.Database(path)
    try:
        do_import(database, "Bea", BROMLEY, "b.csv")           # 1, Bea's
    finally:
        database.close()
    at = signed_in(make_app(path, fy="2015-16", scope="Bexley"), path, "Jo")
    at.switch_page("pages/data.py").run()
    at.session_state["data_tab"] = "Import history"
    at.run()
    assert at.selectbox(key="undo_choice").options == ["1: b.csv (Bea)"], "the head of service may undo anyone's"
    database = db.Database(path)
    try:
        auth.change_account(database, "Jo", role="librarian", scopes=["Bexley"], by="Ada")
    finally:
        database.close()
    at.button(key="undo_button").click().run()           # the button Jo was shown, pressed after the change
    assert not at.exception and not at.success
    database = db.Database(path)
    try:
        assert imports(database) == [(1, "Bea", None)], "nothing was undone"
        assert trail(database, "undo") == []
    finally:
        database.close()
    assert not [b for b in at.button if b.key == "undo_button"]


def test_a_replayed_commentary_form_after_the_role_changed_writes_nothing(path, make_app):
    at = signed_in(make_app(path, fy="2015-16"), path, "Jo")
    at.switch_page("pages/appraisal.py").run()
    at.toggle(key="appraisal_edit").set_value(True).run()
    at.text_area(key="commentary_text_summary").set_value("Written after my role was taken away.")
    database = db.Database(path)
    try:
        auth.change_account(database, "Jo", role="viewer", scopes=[], by="Ada")
    finally:
        database.close()
    at.button[[b.label for b in at.button].index("Save the commentary")].click().run()
    assert not at.exception
    database = db.Database(path)
    try:
        assert database.run("commentary_for_year", fy="2015-16").empty
        assert trail(database, "commentary") == []
    finally:
        database.close()
    assert not at.text_area, "the forms are gone with the role"


def test_the_head_of_service_and_the_administrator_see_the_audit_trail_and_can_download_it(path, make_app):
    for who in ("Jo", "Ada"):
        at = signed_in(make_app(path, fy="2015-16"), path, who)
        at.switch_page("pages/audit.py").run()
        table = at.dataframe[0].value
        assert list(table.columns) == ["#", "When (UTC)", "Who", "What happened", "Details", "From"]
        assert table.iloc[0]["Who"] == who and table.iloc[0]["What happened"] == "sign_in"
        assert [b.proto.label for b in at.get("download_button")] == ["Download the audit trail (CSV)"]
        assert not [t for t in at.text_input] and not at.get("data_editor"), "nothing here edits the trail"
    at.switch_page("pages/appraisal.py").run()
    assert not edit_toggle(at), "an administrator does not write the commentary"


def test_a_setting_can_require_signing_in_to_view_at_all(path, make_app, monkeypatch):
    monkeypatch.setenv(signin.REQUIRE_SIGN_IN, "1")
    at = make_app(path, fy="2015-16", scope="Bexley")
    assert [t.value for t in at.title] == ["Sign in"] and not at.get("plotly_chart")
    assert_not_listed(at, "pages/overview.py")
    at.text_input(key="sign_in_name_page").set_value("Vic")
    at.text_input(key="sign_in_password_page").set_value(PASSWORD)
    at.button(key="sign_in_submit_page").click().run()
    at.switch_page("pages/overview.py").run()
    assert not at.exception and at.get("plotly_chart"), "a viewer who signed in sees the dashboard"


def test_the_first_run_makes_a_cookie_secret_and_keeps_it_and_everything_else(tmp_path):
    import os
    import tomllib
    fresh = tmp_path / "fresh" / "secrets.toml"
    assert signin.ensure_cookie_secret(fresh)
    made = tomllib.loads(fresh.read_text())["auth"]["cookie_secret"]
    assert len(made) == 64 and oct(os.stat(fresh).st_mode)[-3:] == "600"
    assert not signin.ensure_cookie_secret(fresh) and tomllib.loads(fresh.read_text())["auth"]["cookie_secret"] == made
    configured = tmp_path / "secrets.toml"
    configured.write_text('other = 1\n[auth]\nredirect_uri = "https://x.example/oauth2callback"\nclient_id = "c"\n')
    assert signin.ensure_cookie_secret(configured)
    settings = tomllib.loads(configured.read_text())
    assert settings["other"] == 1 and settings["auth"]["client_id"] == "c" and len(settings["auth"]["cookie_secret"]) == 64
    assert ".streamlit/secrets.toml" in (signin.__file__.replace("libstats/signin.py", ".gitignore") and
                                         open(signin.__file__.replace("libstats/signin.py", ".gitignore")).read())
