-- The account a local sign-in's token belongs to, while the session lasts.
-- Params: $token_hash.
select a.name, a.email, a.role, a.scopes, a.password_hash, a.failed_sign_ins, a.locked_until,
       coalesce(a.locked_until > current_timestamp, false) as locked, a.disabled_at is not null as disabled
from entries.sign_in_session s
join entries.account a on a.name = s.account
where s.token_hash = $token_hash and s.ended_at is null and s.expires_at > current_timestamp
