-- One account by its name, as the write it is asked for re-reads it.
-- Params: $account.
select name, email, role, scopes, password_hash, failed_sign_ins, locked_until,
       coalesce(locked_until > current_timestamp, false) as locked, disabled_at is not null as disabled
from entries.account
where name = $account
