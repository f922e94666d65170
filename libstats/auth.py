"""Who may see and change what: accounts, sign-in, the rules, and the audit trail. No Streamlit.

Every write (an import, an undo, commentary, targets, an account change) is given an `Actor`: how the
request says who is asking (a local sign-in's token, the e-mail the council's identity provider vouched
for, or a command-line account). Inside the write's own transaction `identify` re-reads that person's
role and scope from the entries store and `authorise` decides; the audit row is written in the same
transaction, so a refused change leaves neither the change nor an audit row. Nothing a browser session
holds (session state) decides a permission: it holds at most the random token of a local sign-in.
"""
from __future__ import annotations

import getpass
import hashlib
import re
import secrets
import socket
from dataclasses import dataclass
from typing import Iterable

import bcrypt
import pandas as pd

from libstats import formats

ROLES = {"viewer": "viewer", "librarian": "librarian", "head_of_service": "head of service",
         "administrator": "administrator"}
BOROUGHS = ("Bexley", "Bromley")
MAX_FAILURES = 5                 # wrong passwords in a row before an account is locked …
LOCKOUT_MINUTES = 15             # … for this long
SESSION_HOURS = 8                # a local sign-in lasts a working day
MIN_PASSWORD = 12
MAX_PASSWORD_BYTES = 72          # bcrypt reads no further, and bcrypt 5 refuses longer ones
# A real hash to check a wrong name against, so an unknown name takes as long to refuse as a wrong password.
_NOBODY = bcrypt.hashpw(b"no such account", bcrypt.gensalt())
# An account's name is shown everywhere as text (ui.plain), so any printable text will do, on one line.
NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,128}$")


class Refused(Exception):
    """A change the person asking may not make (or an account that cannot sign in); the message says why."""


@dataclass(frozen=True)
class Identity:
    """Who is asking, as the entries store has them now."""
    name: str
    role: str
    scopes: tuple[str, ...] = ()

    @property
    def role_name(self) -> str:
        return ROLES[self.role]

    def describe(self) -> str:
        """'Sam (librarian: Bexley)'."""
        scope = f": {', '.join(self.scopes)}" if self.role == "librarian" else ""
        return f"{self.name} ({self.role_name}{scope})"


@dataclass(frozen=True)
class Actor:
    """How a request says who is asking; `identify` turns it into an Identity inside a transaction."""
    kind: str                 # 'session' (a local sign-in's token), 'oidc' (a verified e-mail), 'command_line'
    value: str                # the token, the e-mail, or the account's name
    address: str | None = None

    @classmethod
    def session(cls, token: str, address: str | None = None) -> "Actor":
        return cls("session", token, address)

    @classmethod
    def oidc(cls, email: str, address: str | None = None) -> "Actor":
        return cls("oidc", email, address)

    @classmethod
    def command_line(cls, name: str) -> "Actor":
        """An account named on the command line: whoever runs it can read the store's file anyway."""
        return cls("command_line", name, command_line_address())


def command_line_address() -> str:
    """Where a command-line change came from: the login and the machine."""
    try:
        login = getpass.getuser()
    except Exception:      # no login name (a container without a passwd entry)
        login = "unknown"
    return f"command line ({login}@{socket.gethostname()})"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------- the rules

def _identity_of(row) -> Identity:
    name, _email, role, scopes, *_ = row
    return Identity(name, role, tuple(scopes or ()))


def identify(tx, actor: Actor | None) -> Identity:
    """The person an actor stands for, re-read from the entries store inside the caller's transaction."""
    if actor is None or not actor.value:
        raise Refused("Sign in first: every change is recorded with who made it. Nothing was changed.")
    if actor.kind == "session":
        row = tx.run("account_of_session", token_hash=token_hash(actor.value)).fetchone()
        missing = "Your sign-in has ended (you signed out, or it expired): sign in again. Nothing was changed."
    elif actor.kind == "oidc":
        row = tx.run("account_with_email", email=actor.value).fetchone()
        missing = (f"{actor.value} has no account here: ask an administrator to add it "
                   "(python -m libstats users add NAME --email … --role …). Nothing was changed.")
    elif actor.kind == "command_line":
        row = tx.run("account_named", account=actor.value).fetchone()
        missing = (f"There is no account called “{actor.value}”: add it with python -m libstats users add, "
                   "or give --user an account that exists. Nothing was changed.")
    else:
        raise Refused("Sign in first. Nothing was changed.")
    if row is None:
        raise Refused(missing)
    if row[-1]:           # disabled
        raise Refused(f"The account {row[0]} is disabled. Nothing was changed.")
    return _identity_of(row)


def may(identity: Identity | None, action: str) -> bool:
    """Whether someone may use a page or control at all (the write itself then checks the particulars)."""
    if identity is None:
        return False
    role = identity.role
    return {
        "import": role in ("librarian", "head_of_service", "administrator"),
        "undo": role in ("librarian", "head_of_service", "administrator"),
        "undo_anyone": role in ("head_of_service", "administrator"),
        "commentary": role == "head_of_service",
        "targets": role == "head_of_service",
        "audit": role in ("head_of_service", "administrator"),
        "accounts": role == "administrator",
    }.get(action, False)


WHO_MAY = {"import": "librarians, the head of service and administrators",
           "undo": "librarians, the head of service and administrators",
           "commentary": "the head of service", "targets": "the head of service",
           "audit": "the head of service and administrators", "accounts": "administrators"}
WHAT = {"import": "import figures", "undo": "undo imports", "commentary": "write the appraisal's commentary",
        "targets": "set next year's targets", "audit": "see the audit trail", "accounts": "change accounts"}


def authorise(identity: Identity, action: str) -> None:
    """Raise Refused, in a sentence, unless this person may do this kind of thing at all."""
    if not may(identity, action):
        raise Refused(f"Only {WHO_MAY[action]} may {WHAT[action]}; {identity.describe()} may not. Nothing was changed.")


def in_scope(identity: Identity, borough: str | None, branch: str | None) -> bool:
    """Whether a figure of this borough and branch is one this person may write."""
    if identity.role in ("head_of_service", "administrator"):
        return True
    if identity.role != "librarian":
        return False
    return (borough in identity.scopes) or (branch in identity.scopes)


def out_of_scope(identity: Identity, figures: pd.DataFrame) -> str | None:
    """The sentence refusing a file's figures outside this person's scope, naming the rows; None if all are in it.

    figures: the file's rows (row, borough, branch).
    """
    if identity.role in ("head_of_service", "administrator") or figures.empty:
        return None
    inside = [in_scope(identity, b, br) for b, br in zip(figures["borough"], figures["branch"])]
    outside = figures[[not i for i in inside]].sort_values("row", kind="stable")
    if outside.empty:
        return None
    rows = sorted({int(r) for r in outside["row"]})
    listed = [str(r) for r in rows[:20]] + ([f"{formats.number(len(rows) - 20)} more"] if len(rows) > 20 else [])
    shown = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    places = sorted(set(outside["branch"]))
    where = ", ".join(places[:5]) + (f" and {formats.number(len(places) - 5)} more" if len(places) > 5 else "")
    where += f" in {' and '.join(sorted(set(outside['borough'])))}"
    scope = ", ".join(identity.scopes) if identity.scopes else "no borough or branch"
    return (f"{'Row' if len(rows) == 1 else 'Rows'} {shown} {'is' if len(rows) == 1 else 'are'} for {where}, "
            f"outside {identity.name}'s scope ({scope}): nothing from this file was imported.")


def may_undo(identity: Identity, imported_by: str) -> bool:
    """The importer may undo their own import; the head of service and administrators anyone's."""
    return may(identity, "undo_anyone") or (may(identity, "undo") and identity.name == imported_by)


def authorise_undo(identity: Identity, import_id: int, imported_by: str) -> None:
    authorise(identity, "undo")
    if not may_undo(identity, imported_by):
        raise Refused(f"Import {import_id} was made by {imported_by}: only they, the head of service or an "
                      f"administrator may undo it, not {identity.name}. Nothing was changed.")


def audit(tx, who: str, action: str, what: str, address: str | None) -> None:
    """One row of the audit trail, in the caller's transaction."""
    tx.run("insert_audit_event", who=who, action=action, what=what, address=address)


# ---------------------------------------------------------------------------------------------- accounts

def hash_password(password: str) -> str:
    check_password_rules(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Refused(f"A password needs at least {MIN_PASSWORD} characters (a few words together are easiest).")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise Refused(f"A password can be at most {MAX_PASSWORD_BYTES} bytes long (bcrypt reads no further).")


def _password_matches(password: str, hashed: str | None) -> bool:
    """bcrypt's check; with no account (hashed None) it checks against a stand-in, so the time is the same."""
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        return False
    try:
        matched = bcrypt.checkpw(encoded, hashed.encode("ascii") if hashed else _NOBODY)
    except ValueError:
        return False
    return matched and hashed is not None


def check_scopes(database, role: str, scopes: Iterable[str]) -> tuple[str, ...]:
    """A librarian's scopes as the warehouse names them (boroughs or branches); other roles have none."""
    scopes = tuple(dict.fromkeys(s.strip() for s in scopes if s and s.strip()))
    if role not in ROLES:
        raise Refused(f"“{role}” is not a role: choose one of {', '.join(ROLES)}.")
    if role != "librarian":
        if scopes:
            raise Refused(f"Only a librarian has a scope: a {ROLES[role]} sees and changes "
                          f"{'everything their role allows' if role != 'viewer' else 'nothing'} in both boroughs.")
        return ()
    if not scopes:
        raise Refused("A librarian needs a scope: --scope Bexley, --scope Bromley or --scope BRANCH (repeat it for more).")
    branches = database.run("import_branches")
    known = {b.casefold(): b for b in BOROUGHS} | {b.casefold(): b for b in branches["branch"]}
    named = []
    for scope in scopes:
        if scope.casefold() not in known:
            raise Refused(f"“{scope}” is neither a borough (Bexley, Bromley) nor a branch the warehouse knows.")
        named.append(known[scope.casefold()])
    return tuple(dict.fromkeys(named))


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME.match(name):
        raise Refused("An account's name is 1 to 128 characters on one line.")
    return name


def add_account(database, name: str, role: str, scopes: Iterable[str] = (), email: str | None = None,
                password: str | None = None, by: str | None = None, address: str | None = None) -> Identity:
    """A new account (with a password, or an e-mail for the identity provider, or both), audited."""
    name = _check_name(name)
    scopes = check_scopes(database, role, scopes)
    email = email.strip().lower() if email and email.strip() else None
    if email and not re.match(r"^[^@\s]+@[^@\s]+$", email):
        raise Refused(f"“{email}” is not an e-mail address.")
    if password is None and email is None:
        raise Refused("An account needs a password, or an e-mail to sign in with through the identity provider.")
    hashed = hash_password(password) if password is not None else None
    by = by or "command line"
    with database.transaction(bump=False) as tx:
        if tx.run("account_named", account=name).fetchone() is not None:
            raise Refused(f"There is already an account called {name}.")
        if email and tx.run("account_with_email", email=email).fetchone() is not None:
            raise Refused(f"Another account already signs in as {email}.")
        tx.run("insert_account", account=name, email=email, role=role, scopes=list(scopes), password_hash=hashed,
               created_by=by)
        identity = Identity(name, role, scopes)
        audit(tx, by, "account_added", f"added {identity.describe()}"
              + (f", e-mail {email}" if email else "") + (", with a password" if hashed else ", no password"), address)
    return identity


def change_account(database, name: str, *, role: str | None = None, scopes: Iterable[str] | None = None,
                   email: str | None = None, password: str | None = None, disabled: bool | None = None,
                   unlock: bool = False, by: str | None = None, address: str | None = None) -> str:
    """Change an account (role, scope, e-mail, password, disabled, unlock), audited; returns what changed."""
    by = by or "command line"
    hashed = hash_password(password) if password is not None else None
    with database.transaction(bump=False) as tx:
        row = tx.run("account_named", account=name).fetchone()
        if row is None:
            raise Refused(f"There is no account called {name}.")
        _, old_email, old_role, old_scopes, old_hash, _failures, _until, locked, was_disabled = row
        new_role = role or old_role
        new_scopes = check_scopes(database, new_role, scopes if scopes is not None else
                                  (old_scopes if new_role == "librarian" else ()))
        new_email = (email.strip().lower() or None) if email is not None else old_email
        changes = []
        if new_role != old_role:
            changes.append(f"role {ROLES[old_role]} → {ROLES[new_role]}")
        if tuple(new_scopes) != tuple(old_scopes or ()):
            changes.append(f"scope {', '.join(old_scopes or ()) or 'none'} → {', '.join(new_scopes) or 'none'}")
        if new_email != old_email:
            changes.append(f"e-mail {old_email or 'none'} → {new_email or 'none'}")
        if hashed:
            changes.append("new password")
        now_disabled = was_disabled if disabled is None else disabled
        if now_disabled != was_disabled:
            changes.append("disabled" if now_disabled else "enabled again")
        if unlock and locked:
            changes.append("unlocked")
        if not changes:
            return f"{name}: nothing to change."
        tx.run("update_account", account=name, email=new_email, role=new_role, scopes=list(new_scopes),
               password_hash=hashed or old_hash, disabled=bool(now_disabled))
        if unlock:
            tx.run("clear_failed_sign_ins", account=name)
        if hashed or now_disabled or new_role != old_role or tuple(new_scopes) != tuple(old_scopes or ()):
            tx.run("end_sessions_of", account=name)      # what a signed-in session may do has changed: sign in again
        what = f"{name}: " + "; ".join(changes)
        audit(tx, by, "account_changed", what, address)
    return what


def accounts(database) -> pd.DataFrame:
    """Every account (no password hashes)."""
    return database.run("accounts")


def has_administrator(database) -> bool:
    table = accounts(database)
    return bool(((table["role"] == "administrator") & table["disabled_at"].isna()).any())


# ----------------------------------------------------------------------------------------------- sign-in

def sign_in(database, name: str, password: str, address: str | None = None) -> tuple[str, Identity]:
    """Check a local account's password: a new session token (kept hashed in the store) and who it is.

    A wrong password counts towards a lockout (MAX_FAILURES in a row lock the account for LOCKOUT_MINUTES);
    every attempt, failed or not, is in the audit trail.
    """
    name = (name or "").strip()
    wrong = "That name and password do not match an account. Try again (capitals count)."
    with database.transaction(bump=False) as tx:
        row = tx.run("account_named", account=name).fetchone() if name else None
        if row is None or row[4] is None:
            _password_matches(password or "", None)          # the same time as a wrong password
            audit(tx, name[:64] or "(no name)", "sign_in_failed",
                  "no such account" if row is None else "no password: signs in through the identity provider",
                  address)
            failure = wrong
        elif row[-1]:
            audit(tx, name, "sign_in_failed", "account disabled", address)
            failure = f"The account {name} is disabled: ask an administrator."
        elif row[7]:
            audit(tx, name, "sign_in_failed", f"account locked until {row[6]:%H:%M}", address)
            failure = (f"The account {name} is locked after {MAX_FAILURES} wrong passwords, until "
                       f"{row[6]:%H:%M} (UTC). Try again then, or ask an administrator to unlock it.")
        elif not _password_matches(password or "", row[4]):
            tx.run("record_failed_sign_in", account=name, max_failures=MAX_FAILURES, minutes=LOCKOUT_MINUTES)
            failures, locked_now = tx.run("account_named", account=name).fetchone()[5:8:2]
            audit(tx, name, "sign_in_failed", f"wrong password ({failures} in a row)", address)
            if locked_now:
                audit(tx, name, "locked_out", f"locked for {LOCKOUT_MINUTES} minutes after {failures} wrong passwords",
                      address)
                failure = (f"The account {name} is now locked for {LOCKOUT_MINUTES} minutes after {MAX_FAILURES} "
                           "wrong passwords. Try again then, or ask an administrator to unlock it.")
            else:
                failure = wrong
        else:
            token = secrets.token_urlsafe(32)
            tx.run("clear_failed_sign_ins", account=name)
            tx.run("insert_sign_in_session", token_hash=token_hash(token), account=name, hours=SESSION_HOURS,
                   address=address)
            identity = _identity_of(row)
            audit(tx, name, "sign_in", f"signed in with a password as {identity.describe()}", address)
            return token, identity
    raise Refused(failure)


def sign_out(database, token: str | None, address: str | None = None) -> None:
    """End a local sign-in's session (audited); a token that already ended does nothing."""
    if not token:
        return
    with database.transaction(bump=False) as tx:
        row = tx.run("end_sign_in_session", token_hash=token_hash(token)).fetchone()
        if row is not None:
            audit(tx, row[0], "sign_out", "signed out", address)


def record_oidc_sign_in(database, email: str, name: str | None, address: str | None = None) -> Identity | None:
    """An identity provider's sign-in, audited once per browser session; the account its e-mail has, or None."""
    with database.transaction(bump=False) as tx:
        row = tx.run("account_with_email", email=email).fetchone()
        if row is None or row[-1]:
            audit(tx, email, "sign_in_failed", "signed in through the identity provider, but "
                  + ("no account has this e-mail" if row is None else "the account is disabled"), address)
            return None
        identity = _identity_of(row)
        audit(tx, identity.name, "sign_in", f"signed in through the identity provider as {email} "
              f"({identity.describe()})", address)
        return identity


def record_sign_out(database, name: str, address: str | None = None) -> None:
    """An identity provider's sign-out (Streamlit ends its cookie), in the audit trail."""
    with database.transaction(bump=False) as tx:
        audit(tx, name, "sign_out", "signed out (identity provider)", address)


def current(database, actor: Actor | None) -> Identity | None:
    """Who an actor is now, for showing the right pages and controls (each write checks again itself)."""
    if actor is None or not actor.value:
        return None
    if actor.kind == "session":
        rows = database.run("account_of_token", token_hash=token_hash(actor.value))
    elif actor.kind == "oidc":
        rows = database.run("account_of_email", email=actor.value)
    else:
        return None
    if rows.empty or bool(rows["disabled"].iat[0]):
        return None
    scopes = rows["scopes"].iat[0]
    return Identity(rows["name"].iat[0], rows["role"].iat[0], tuple(scopes) if scopes is not None else ())


def account(database, name: str) -> Identity | None:
    """An account by its name as it is now (None if there is none, or it is disabled)."""
    table = accounts(database)
    row = table[(table["name"] == name) & table["disabled_at"].isna()]
    if row.empty:
        return None
    scopes = row["scopes"].iat[0]
    return Identity(name, row["role"].iat[0], tuple(scopes) if scopes is not None else ())


def audit_trail(database) -> pd.DataFrame:
    """The audit trail, newest first."""
    return database.run("audit_trail")
