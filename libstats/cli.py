"""The command line: `python -m libstats …`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from libstats import SEED_DIR, db, formats


@click.group(help="Statistics of the Bexley and Bromley shared library service.")
def main() -> None:
    pass


def _db_option(f):
    return click.option(
        "--db", "db_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="The warehouse file (default: $LIBSTATS_DB, else data/library.duckdb). Entered data is in the "
             "entries store beside it ($LIBSTATS_ENTRIES, else <name>.entries.duckdb).",
    )(f)


@main.command(help="Build the warehouse from data/schema/warehouse.sql and the seed CSVs in data/seed/. "
              "What people entered (imports, commentary, targets) is in the entries store, which a build never "
              "touches; a build refuses while the dashboard has the warehouse open.")
@_db_option
@click.option("--force", is_flag=True, help="Replace the database if it exists.")
@click.option("--if-missing", is_flag=True, help="Build only if the database does not exist yet.")
@click.option("--seed", "seed_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=SEED_DIR, show_default=True, help="Folder of seed CSVs.")
@click.option("--scale", type=click.Choice(["seed", "national"]), default="seed", show_default=True,
              help="seed: Bexley and Bromley from data/seed. national: a synthetic warehouse the size of every "
                   "English library authority (about 3,000 branches, 3 million figures, 8 million daily counts), "
                   "for benchmarks.")
def build(db_file: Path | None, force: bool, if_missing: bool, seed_dir: Path, scale: str) -> None:
    from libstats.build import build as build_db
    path = db_file or db.db_path()
    if if_missing and path.exists():
        click.echo(f"{path} exists: nothing to build (use --force to rebuild it from the seed).")
        return
    if scale == "national":
        from tools.national import build_national
        try:
            result = build_national(path, force=force)
        except (FileExistsError, db.StoreError) as exc:
            raise click.ClickException(str(exc)) from None
        rows = result["rows"]
        click.echo(f"Built {path} at national scale in {formats.number(result['seconds'])} s: {formats.number(rows['branch'])} branches, "
                   f"{formats.number(rows['monthly_figure'])} monthly figures, {formats.number(rows['daily_visits'])} daily visit counts.")
        return
    try:
        result = build_db(path, seed_dir=seed_dir, force=force)
    except (FileExistsError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    except db.StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"could not build {path}: {exc}") from None
    figures = result.rows["monthly_figure"] + result.rows["annual_figure"]
    click.echo(f"Built {path} from {seed_dir}: {formats.number(figures)} figures, {result.rows['branch']} branches, "
               f"in {formats.number(result.seconds, 1)} s. Entered data is kept in {db.entries_path(path)}.")


@main.command("generate-seed", help="Regenerate the modelled seed CSVs in data/seed/ (deterministic).")
@click.option("--seed", "seed_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=SEED_DIR, show_default=True, help="Folder holding the hand-kept inputs; outputs go beside them.")
def generate_seed(seed_dir: Path) -> None:
    from tools import seedgen
    counts = seedgen.write(seed_dir)
    for name, n in counts.items():
        click.echo(f"{name}: {formats.number(n)} rows")


def _open_for_import(db_file: Path | None, read_only: bool) -> db.Database:
    """The warehouse, or a plain message: never create an empty file, never show a traceback for a lock."""
    path = db_file or db.db_path()
    if not path.exists():
        raise click.ClickException(f"There is no database at {path}: build it first with `python -m libstats build`.")
    try:
        return db.Database(path, read_only=read_only)
    except db.StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _could_not_write(what: str, exc: BaseException) -> str:
    """One plain sentence for a write that failed (a full disk, a damaged file), keeping the real cause."""
    cause = exc
    while cause.__cause__ is not None:
        cause = cause.__cause__
    reason = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
    done = "Nothing was imported" if what == "import" else "The import was not undone"
    return f"The {what} could not be written ({reason}). {done}: every write is one transaction."


def _reasons(pairs: tuple[str, ...]) -> dict[str, str]:
    """--reason "KEY=text" options as a dict; the key is everything before the first '='."""
    out = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip() or not text.strip():
            raise click.BadParameter(f"{pair!r}: write it as KEY=reason, with the key a warning shows", param_hint="--reason")
        out[key.strip()] = text.strip()
    return out


def _echo_plan(plan, parsed, reasons: dict[str, str]) -> None:
    """What the upload page shows: problems, warnings, notes and the changes, in the same words."""
    where = f", sheet “{parsed.sheet}”" if parsed.sheet else ""
    click.echo(f"{parsed.name}: read as {parsed.shape_label} (header on row {parsed.header_row}{where}).")
    for note in plan.notes:
        click.echo(f"  Note: {note}")
    shown = 200                                  # a hostile file can have hundreds of thousands
    for problem in plan.problems[:shown]:
        click.echo(f"  Problem: {problem}")
    if len(plan.problems) > shown:
        click.echo(f"  … and {formats.number(len(plan.problems) - shown)} more problems (the first {shown} are listed; "
                   "the Data page's upload offers every one as a download).")
    for warning in plan.warnings:
        given = reasons.get(warning.key)
        click.echo(f"  Warning [{warning.key}]: {warning}")
        if given:
            click.echo(f"    Reason given: {given}")
    if plan.ok:
        from libstats.quality import month_name, number
        for r in plan.changed.head(20).itertuples():
            when = r.period if isinstance(getattr(r, "period", None), str) else month_name(r.month)
            click.echo(f"  Change: {r.branch}, {r.label}, {when}: {number(r.old_value)} -> "
                       f"{number(r.new_value)}")
        if len(plan.changed) > 20:
            click.echo(f"  … and {formats.number(len(plan.changed) - 20)} more changes.")
    click.echo(plan.summary())


@main.command("import", help="Check monthly returns (CSV or .xlsx) and import them into the warehouse. "
              "A file with any problem writes nothing; warnings need a reason.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_db_option
@click.option("--dry-run", is_flag=True, help="Check the files and say what would change, without writing.")
@click.option("--metric", default=None, metavar="CODE",
              help="The metric of a file with one column per month (e.g. visits).")
@click.option("--user", default=None, metavar="ACCOUNT",
              help="The account importing (see `users add`): it must be allowed to import, and a librarian only "
                   "figures of their boroughs and branches. Default: an account named as your login.")
@click.option("--reason", "reason_pairs", multiple=True, metavar="KEY=TEXT",
              help="The reason for one warning, by the key the warning shows (repeat for each).")
@click.option("--accept-warnings", "accept_all", default=None, metavar="TEXT",
              help="One reason for every warning that has no --reason of its own.")
def import_files(files: tuple[Path, ...], db_file: Path | None, dry_run: bool, metric: str | None,
                 user: str | None, reason_pairs: tuple[str, ...], accept_all: str | None) -> None:
    import getpass

    from libstats import auth, importer
    given = _reasons(reason_pairs)
    actor = auth.Actor.command_line(user or getpass.getuser())
    database = _open_for_import(db_file, read_only=dry_run)
    # Refused before any file is read: an account that does not exist or may not import (each write checks again).
    identity = auth.account(database, actor.value)
    if identity is None and not dry_run:
        database.close()
        raise click.ClickException(f"There is no account called “{actor.value}”: give --user an account that exists "
                                   "(python -m libstats users list). Nothing was imported.")
    if identity is not None and not dry_run and not auth.may(identity, "import"):
        database.close()
        raise click.ClickException(f"{identity.describe()} may not import figures. Nothing was imported.")

    def reasons_for(plan) -> dict[str, str]:
        return {w.key: given.get(w.key) or (accept_all or "").strip() for w in plan.warnings}

    try:
        checked, rejected = [], False
        # Every file is read and checked before any is written, so one bad file stops them all.
        for path in files:
            try:
                parsed = importer.read_file(path.name, path.read_bytes(), metric=metric)
            except importer.FileNotUnderstood as exc:
                click.echo(str(exc))
                rejected = True
                continue
            plan = importer.validate(database, parsed)
            _echo_plan(plan, parsed, reasons_for(plan))
            refusal = importer.scope_refusal(identity, plan) if identity is not None and plan.ok else None
            if plan.problems:
                rejected = True
            elif refusal:
                click.echo(f"  Refused: {refusal}")
                rejected = True
            elif plan.missing_reasons(reasons_for(plan)):
                click.echo('  Give a reason for each warning with --reason "KEY=reason", or one reason for all '
                           'with --accept-warnings "reason".')
                rejected = True
            checked.append((path, parsed, plan))
        if rejected:
            raise click.ClickException("Nothing was imported." if not dry_run else "The import would be refused.")
        if dry_run:
            click.echo("Dry run: nothing was written.")
            return
        for path, parsed, plan in checked:
            if plan.data_version != database.data_version():
                # An earlier file of this run changed the warehouse: check this one again against it.
                plan = importer.validate(database, parsed)
                if plan.problems or plan.missing_reasons(reasons_for(plan)):
                    _echo_plan(plan, parsed, reasons_for(plan))
                    raise click.ClickException(f"{path.name} was not imported; the files before it were.")
            result = importer.apply(database, plan, reasons_for(plan), actor, path.name, parsed.checksum)
            click.echo(result.message)
    except importer.ImporterError as exc:
        raise click.ClickException(str(exc)) from None
    except (db.StoreError, db.QueryError, OSError) as exc:
        raise click.ClickException(_could_not_write("import", exc)) from None
    finally:
        database.close()


@main.command("undo-import", help="Undo an import: restore the values it replaced and remove the figures it added.")
@click.argument("import_id", type=int)
@_db_option
@click.option("--user", default=None, metavar="ACCOUNT",
              help="The account undoing it: the one that made the import, the head of service or an administrator. "
                   "Default: an account named as your login.")
def undo_import(import_id: int, db_file: Path | None, user: str | None) -> None:
    import getpass

    from libstats import auth, importer
    database = _open_for_import(db_file, read_only=False)
    try:
        result = importer.undo(database, import_id, auth.Actor.command_line(user or getpass.getuser()))
    except importer.ImporterError as exc:
        raise click.ClickException(str(exc)) from None
    except (db.StoreError, db.QueryError, OSError) as exc:
        raise click.ClickException(_could_not_write("undo", exc)) from None
    finally:
        database.close()
    click.echo(result.message)


@main.command(help="Copy the entries store (imports, their history and reasons, commentary, targets set, accounts, "
              "the audit trail) to "
              "a new file PATH. Safe while the dashboard runs: the copy is of one moment, checked before it is kept.")
@click.argument("dest", metavar="PATH", type=click.Path(dir_okay=False, path_type=Path))
@_db_option
def backup(dest: Path, db_file: Path | None) -> None:
    from libstats import entries
    store = db.entries_path(db_file or db.db_path())
    try:
        rows = entries.backup(store, dest)
    except (db.StoreError, OSError) as exc:
        raise click.ClickException(f"No backup was made: {exc}") from None
    click.echo(f"Backed up {store} to {dest}: {entries.describe(rows)}.")


@main.command(help="Put a backup made by `backup` in place of the entries store. The store it replaces is kept "
              "beside it (<name>.before-restore-<time>.duckdb). Stop the dashboard first.")
@click.argument("source", metavar="PATH", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_db_option
def restore(source: Path, db_file: Path | None) -> None:
    from libstats import entries
    store = db.entries_path(db_file or db.db_path())
    try:
        rows, kept = entries.restore(source, store)
    except (db.StoreError, OSError) as exc:
        raise click.ClickException(f"Nothing was restored: {exc}") from None
    click.echo(f"Restored {store} from {source}: {entries.describe(rows)}."
               + (f" The store it replaced is kept as {kept}." if kept else ""))


# ------------------------------------------------------------------------------------------------ accounts

@main.group(help="Who may sign in and what they may change: viewer, librarian (scoped to boroughs or branches), "
            "head_of_service, administrator. Every change is in the audit trail. No account ships: make the first "
            "administrator with `python -m libstats users add NAME --role administrator`.")
def users() -> None:
    pass


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


def _account_change(fn):
    """Run an account change with plain messages: a refusal or a locked store is one sentence, exit status 1."""
    from libstats import auth
    try:
        return fn()
    except auth.Refused as exc:
        raise click.ClickException(str(exc)) from None
    except (db.StoreError, db.QueryError, OSError) as exc:
        raise click.ClickException(f"The account could not be saved ({str(exc).splitlines()[0]}).") from None


@users.command("add", help="Add an account. A password is asked for (twice, not shown) unless --no-password, for "
               "an account that signs in only through the council's identity provider with --email.")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["viewer", "librarian", "head_of_service", "administrator"]))
@click.option("--scope", "scopes", multiple=True, metavar="Bexley|Bromley|BRANCH",
              help="A librarian's borough or branch (repeat for more); they may import only figures of these.")
@click.option("--email", default=None, help="The e-mail the identity provider (OpenID Connect) signs them in as.")
@click.option("--no-password", is_flag=True, help="No local password: sign-in through the identity provider only.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@_db_option
def users_add(name: str, role: str, scopes: tuple[str, ...], email: str | None, no_password: bool,
              password_stdin: bool, db_file: Path | None) -> None:
    from libstats import auth
    if no_password and not email:
        raise click.BadParameter("an account without a password needs --email to sign in with", param_hint="--no-password")
    password = None if no_password else _password(password_stdin)
    database = _open_for_import(db_file, read_only=False)
    try:
        who = auth.command_line_address()
        identity = _account_change(lambda: auth.add_account(database, name, role, scopes, email=email, password=password,
                                                            by=who, address=who))
    finally:
        database.close()
    click.echo(f"Added {identity.describe()}" + (f", signing in as {email.strip().lower()}" if email else "") + ".")


@users.command("change", help="Change an account: its role, scope, e-mail or password; disable or enable it; "
               "unlock it after too many wrong passwords. A change of role, scope or password signs it out.")
@click.argument("name")
@click.option("--role", default=None, type=click.Choice(["viewer", "librarian", "head_of_service", "administrator"]))
@click.option("--scope", "scopes", multiple=True, metavar="Bexley|Bromley|BRANCH", help="The new scope (replaces the old).")
@click.option("--email", default=None, help="The new e-mail (\"\" for none).")
@click.option("--password", "new_password", is_flag=True, help="Set a new password (asked for twice).")
@click.option("--password-stdin", is_flag=True, help="With --password: read it from standard input.")
@click.option("--disable/--enable", "disabled", default=None, help="Disable the account (it can no longer sign in), or enable it.")
@click.option("--unlock", is_flag=True, help="Forget the wrong passwords that locked it.")
@_db_option
def users_change(name: str, role: str | None, scopes: tuple[str, ...], email: str | None, new_password: bool,
                 password_stdin: bool, disabled: bool | None, unlock: bool, db_file: Path | None) -> None:
    from libstats import auth
    password = _password(password_stdin) if new_password else None
    database = _open_for_import(db_file, read_only=False)
    try:
        who = auth.command_line_address()
        what = _account_change(lambda: auth.change_account(
            database, name, role=role, scopes=scopes or None, email=email, password=password, disabled=disabled,
            unlock=unlock, by=who, address=who))
    finally:
        database.close()
    click.echo(what)


@users.command("list", help="Every account: role, scope, e-mail, whether it is locked or disabled.")
@_db_option
def users_list(db_file: Path | None) -> None:
    import pandas as pd

    from libstats import auth
    database = _open_for_import(db_file, read_only=True)
    try:
        table = auth.accounts(database)
    finally:
        database.close()
    if table.empty:
        click.echo("No accounts yet. Make the first administrator with: python -m libstats users add NAME --role administrator")
        return
    for r in table.itertuples():
        scope = f" ({', '.join(r.scopes)})" if r.role == "librarian" else ""
        notes = [f"signs in as {r.email}"] if pd.notna(r.email) else []
        notes += ["password"] if r.has_password else []
        notes += [f"{r.failed_sign_ins} wrong passwords"] if r.failed_sign_ins else []
        notes += ["locked"] if pd.notna(r.locked_until) and r.failed_sign_ins >= auth.MAX_FAILURES else []
        notes += ["disabled"] if pd.notna(r.disabled_at) else []
        click.echo(f"{r.name}: {auth.ROLES[r.role]}{scope}; {', '.join(notes) or 'no way to sign in'}")


@main.command(help="The audit trail (sign-ins, failed sign-ins, lockouts, imports, undos, commentary, targets, "
              "account changes) as CSV: to standard output, or to --out FILE.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@_db_option
def audit(out_file: Path | None, db_file: Path | None) -> None:
    from libstats import auth, export
    database = _open_for_import(db_file, read_only=True)
    try:
        table = auth.audit_trail(database)
    finally:
        database.close()
    content = export.to_csv(table)
    if out_file is None:
        click.echo(content.decode("utf-8-sig"), nl=False)
        return
    try:
        out_file.write_bytes(content)
    except OSError as exc:
        raise click.ClickException(f"The audit trail could not be written to {out_file}: {exc.strerror or exc}.") from None
    click.echo(f"Wrote {formats.number(len(table))} rows of the audit trail to {out_file}.")


@main.command(help="Build the board pack for one financial year: one self-contained HTML file, or an A4 PDF.")
@click.option("--fy", required=True, metavar="YYYY-YY", help="The financial year to appraise, e.g. 2015-16.")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), required=True, help="html or pdf.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write it.")
@_db_option
def report(fy: str, fmt: str, out_file: Path, db_file: Path | None) -> None:
    from libstats import fiscal
    from libstats import report as board_pack
    from libstats.content import appraisal
    try:
        fiscal.fy_start_year(fy)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fy") from None
    database = _open_for_import(db_file, read_only=True)
    try:
        years = set(database.run("financial_years", borough=None)["fy"])
        if fy not in years:
            raise click.ClickException(f"There are no figures for {fy}: the warehouse holds {', '.join(sorted(years))}.")
        notes = database.run("commentary_for_year", fy=fy)
        commentary = dict(zip(notes["section"], notes["body"]))
        year = appraisal.build(database.run, fy)
    finally:
        database.close()
    with click.progressbar(length=100, label=f"Building the {fmt.upper()} pack for {fy}") as bar:
        def progress(done: float, _what: str) -> None:
            bar.update(int(done * 100) - bar.pos)
        try:
            content = (board_pack.build_html if fmt == "html" else board_pack.build_pdf)(year, commentary, progress)
        except board_pack.PackError as problem:
            raise click.ClickException(str(problem)) from None
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    except OSError as exc:
        raise click.ClickException(f"The pack could not be written to {out_file}: {exc.strerror or exc}.") from None
    click.echo(f"Wrote {out_file} ({formats.number(out_file.stat().st_size / 1e6, 1)} MB).")


if __name__ == "__main__":
    sys.exit(main())
