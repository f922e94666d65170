-- Migration 2: who may see and change what (issue 16). Accounts with a role and a scope, sign-in sessions of
-- local accounts (the token hashed), and the audit trail. No account ships: the first administrator is made
-- with `python -m libstats users add NAME --role administrator`.

-- A person who may sign in. Local accounts have a bcrypt hash; accounts signing in through the council's
-- identity provider (OpenID Connect) are found by their e-mail and may have no password at all.
-- Nothing references this table by a foreign key: DuckDB writes an update of a referenced row as a delete
-- and an insert, which its own key checks then refuse.
create table account (
    name            varchar primary key check (trim(name) <> ''),
    email           varchar unique check (email is null or email = lower(trim(email))),
    role            varchar not null check (role in ('viewer', 'librarian', 'head_of_service', 'administrator')),
    scopes          varchar[] not null default [],          -- a librarian's boroughs and branches
    password_hash   varchar,                                -- bcrypt; null: the identity provider only
    failed_sign_ins integer not null default 0,             -- since the last sign-in that worked
    locked_until    timestamp,
    disabled_at     timestamp,
    created_at      timestamp not null default current_timestamp,
    created_by      varchar not null
);

-- A local account's sign-in: the browser session holds a random token, the store only its SHA-256.
create table sign_in_session (
    token_hash      varchar primary key,
    account         varchar not null,
    started_at      timestamp not null default current_timestamp,
    expires_at      timestamp not null,
    ended_at        timestamp,
    address         varchar
);

-- Everything that changed who may do what, and every change of what people entered: who, when, what, from
-- where. Written in the transaction of the change it records; no statement updates or deletes it.
create sequence audit_id_seq start 1;
create table audit_event (
    audit_id        integer primary key default nextval('audit_id_seq'),
    happened_at     timestamp not null default current_timestamp,
    who             varchar not null,          -- the account, or the name typed at a failed sign-in
    action          varchar not null check (action in ('sign_in', 'sign_in_failed', 'locked_out', 'sign_out',
                                                       'import', 'undo', 'commentary', 'targets',
                                                       'account_added', 'account_changed')),
    what            varchar not null,
    address         varchar                    -- the browser's address, or 'command line (user@host)'
);
