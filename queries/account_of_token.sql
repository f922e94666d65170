-- The account a local sign-in's token belongs to while its session lasts, for showing who is signed in
-- (every write checks again inside its own transaction).
-- Params: $token_hash.
select a.name, a.role, a.scopes, a.disabled_at is not null as disabled
from sign_in_session s
join account a on a.name = s.account
where s.token_hash = $token_hash and s.ended_at is null and s.expires_at > current_timestamp
