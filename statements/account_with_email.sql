-- The account an identity provider's e-mail belongs to (e-mails are kept lower case).
-- Params: $email.
select name, email, role, scopes, password_hash, failed_sign_ins, locked_until,
       coalesce(locked_until > current_timestamp, false) as locked, disabled_at is not null as disabled
from entries.account
where email = lower(trim($email))
