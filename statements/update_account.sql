-- An account's role, scope, e-mail and password, as an administrator changed them (the caller passes every
-- field, the unchanged ones as they were).
-- Params: $account, $email, $role, $scopes, $password_hash, $disabled.
update entries.account
set email = $email, role = $role, scopes = $scopes, password_hash = $password_hash,
    disabled_at = case when $disabled then coalesce(disabled_at, current_timestamp) end
where name = $account
