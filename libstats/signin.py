"""Streamlit glue for signing in: who this browser session is, the sign-in page's parts, the cookie secret.

Two ways in: the council's identity provider through OpenID Connect (Streamlit's st.login / st.user, set up
in the `[auth]` section of .streamlit/secrets.toml) and local accounts (a name and a bcrypt-checked password).
The session holds only a local sign-in's random token; an identity provider's sign-in is Streamlit's signed
cookie. Who that is, and what they may do, is read from the entries store: here for what to show, and again
by every write inside its own transaction.
"""
from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from libstats import auth, ui

TOKEN = "libstats_sign_in_token"           # session state: the random token of a local sign-in (nothing else)
AUDITED = "libstats_oidc_sign_in_audited"  # session state: the e-mail whose sign-in is already in the audit trail
REQUIRE_SIGN_IN = "LIBSTATS_REQUIRE_SIGN_IN"
FIRST_ADMIN = "python -m libstats users add NAME --role administrator"


def secrets_file() -> Path:
    """The secrets file Streamlit reads last (so its values win): .streamlit/secrets.toml where the app runs."""
    named = os.environ.get("LIBSTATS_SECRETS")
    if named:
        return Path(named)
    return Path(st.get_option("secrets.files")[-1])


def ensure_cookie_secret(path: Path | None = None) -> bool:
    """Give `[auth]` a random cookie_secret in the secrets file (which git ignores) if it has none; True if written.

    Streamlit signs the identity provider's sign-in cookie with it. It is made here, on the first run, so none
    is ever committed or shipped.
    """
    path = Path(path or secrets_file())
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False          # a hand-edited file with a mistake: leave it alone (Streamlit says what is wrong)
    section = parsed.get("auth")
    if isinstance(section, Mapping) and section.get("cookie_secret"):
        return False
    line = f'cookie_secret = "{secrets.token_hex(32)}"\n'
    if isinstance(section, Mapping):
        lines = text.splitlines(keepends=True)
        at = next(i for i, raw in enumerate(lines) if raw.strip().replace(" ", "") == "[auth]")
        lines.insert(at + 1, line)
        text = "".join(lines)
    else:
        text = (text + ("\n" if text and not text.endswith("\n") else "") +
                "# Made on the first run: signs the sign-in cookie. Never commit this file.\n[auth]\n" + line)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    return True


def oidc_provider() -> str | None:
    """The provider st.login should use ('default' for a flat [auth] section), or None if none is set up."""
    try:
        section = st.secrets.get("auth")
    except Exception:       # no secrets file at all, or one Streamlit cannot read
        return None
    if not isinstance(section, Mapping) or not section.get("redirect_uri"):
        return None
    if section.get("client_id") and section.get("server_metadata_url"):
        return "default"
    for name, value in section.items():
        if isinstance(value, Mapping) and value.get("client_id") and value.get("server_metadata_url"):
            return name
    return None


def _address() -> str | None:
    try:
        address = st.context.ip_address
    except Exception:
        return None
    return address if isinstance(address, str) else None     # (AppTest's context is a stand-in)


def _oidc_email() -> str | None:
    if oidc_provider() is None:
        return None
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or "") or None
    except Exception:
        return None
    return None


def actor() -> auth.Actor | None:
    """How this browser session says who it is (each write re-reads the account from the store)."""
    email = _oidc_email()
    if email:
        return auth.Actor.oidc(email, _address())
    token = st.session_state.get(TOKEN)
    if isinstance(token, str) and token:
        return auth.Actor.session(token, _address())
    return None


def identity() -> auth.Identity | None:
    """Who is signed in, as the entries store has them now (None: nobody, or an e-mail with no account)."""
    who = actor()
    if who is None:
        return None
    found = auth.current(ui.database(), who)
    if found is None and who.kind == "session":
        st.session_state.pop(TOKEN, None)          # ended or expired: the session forgets the token
    if who.kind == "oidc" and st.session_state.get(AUDITED) != who.value:
        # The identity provider's sign-in, recorded once per browser session (the flag only stops duplicates).
        auth.record_oidc_sign_in(ui.database(), who.value, None, who.address)
        st.session_state[AUDITED] = who.value
    return found


def sign_in_required() -> bool:
    """Whether viewing needs a sign-in too (LIBSTATS_REQUIRE_SIGN_IN=1); by default the dashboard is open."""
    return os.environ.get(REQUIRE_SIGN_IN, "").strip().lower() in ("1", "true", "yes", "on")


def no_accounts_yet() -> bool:
    return auth.accounts(ui.database()).empty


def first_account_note() -> None:
    """What a write page says until an administrator exists."""
    st.info(f"No one can sign in yet, so nothing can be changed here. Whoever looks after this server makes the "
            f"first administrator with one command, then adds everyone else:\n\n`{FIRST_ADMIN}`",
            icon=":material/person_add:")


def sign_out() -> None:
    """End this session's sign-in (audited); through the identity provider, st.logout ends Streamlit's cookie
    and sends the browser to the provider's sign-out where it offers one."""
    who = actor()
    if who is not None and who.kind == "session":
        auth.sign_out(ui.database(), who.value, who.address)
        st.session_state.pop(TOKEN, None)
    elif who is not None and who.kind == "oidc":
        found = auth.current(ui.database(), who)
        auth.record_sign_out(ui.database(), found.name if found else who.value, who.address)
        st.session_state.pop(AUDITED, None)
        st.logout()


def sidebar(who: auth.Identity | None, on_sign_in_page: bool) -> None:
    """Who is signed in, with the way out, in the sidebar; or the way in, on whichever page the reader is."""
    if who is not None:
        st.sidebar.caption(f"Signed in as {ui.plain(who.describe())}")
        st.sidebar.button("Sign out", key="sign_out", icon=":material/logout:", on_click=sign_out)
    elif _oidc_email():
        st.sidebar.caption(f"Signed in as {ui.plain(_oidc_email())}, which has no account here.")
        st.sidebar.button("Sign out", key="sign_out", icon=":material/logout:", on_click=sign_out)
    elif not on_sign_in_page and not no_accounts_yet():
        with st.sidebar.expander("Sign in", icon=":material/login:"):
            if oidc_provider():
                _oidc_button("sidebar")
            _password_form("sidebar")


def _oidc_button(where: str) -> None:
    provider = oidc_provider()
    if st.button("Sign in with the council's account", key=f"sign_in_oidc_{where}", type="primary",
                 icon=":material/login:"):
        from streamlit.errors import StreamlitAuthError
        try:
            st.login() if provider == "default" else st.login(provider)
        except StreamlitAuthError as problem:       # e.g. a secrets file edited by hand that lost a key
            st.error(ui.plain(f"Signing in through the council's account is not set up right here: {problem}"))


def _password_form(where: str) -> None:
    """A local account's name and password; the token of a sign-in that works is all the session keeps."""
    with st.form(f"sign_in_form_{where}", clear_on_submit=True):       # the password is not kept in the session
        name = st.text_input("Account name", key=f"sign_in_name_{where}", autocomplete="username")
        password = st.text_input("Password", type="password", key=f"sign_in_password_{where}",
                                 autocomplete="current-password")
        if st.form_submit_button("Sign in", type="primary", key=f"sign_in_submit_{where}"):
            try:
                token, _ = auth.sign_in(ui.database(), name, password, _address())
            except auth.Refused as refused:
                st.error(ui.plain(refused))
            else:
                st.session_state[TOKEN] = token
                st.rerun()


def sign_in_form() -> None:
    """The sign-in page's content: the identity provider's button if it is set up, and the local accounts' form."""
    who = identity()
    if who is not None:
        st.success(f"Signed in as {ui.plain(who.describe())}.")
        return
    provider = oidc_provider()
    email = _oidc_email()
    if email:
        st.warning(f"You are signed in as {ui.plain(email)}, but no account here has that e-mail. Ask an "
                   "administrator to add one (python -m libstats users add NAME --email … --role …).")
    elif provider:
        st.header("With your council account", anchor=False)
        _oidc_button("page")
    if no_accounts_yet():
        first_account_note()
        return
    st.header("With a local account" if provider else "With your account name and password", anchor=False)
    _password_form("page")
    st.caption(f"After {auth.MAX_FAILURES} wrong passwords in a row an account is locked for {auth.LOCKOUT_MINUTES} "
               f"minutes. A sign-in with a password lasts {auth.SESSION_HOURS} hours at most, and only in this "
               "browser tab: reloading the page asks for it again (Streamlit lets an app set no cookie of its own). "
               "A sign-in through the council's account is kept in Streamlit's signed cookie and survives a reload.")
