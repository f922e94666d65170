-- A new account.
-- Params: $account, $email, $role, $scopes, $password_hash, $created_by.
insert into entries.account (name, email, role, scopes, password_hash, created_by)
values ($account, $email, $role, $scopes, $password_hash, $created_by)
