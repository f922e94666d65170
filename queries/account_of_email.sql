-- The account an identity provider's e-mail belongs to, for showing who is signed in.
-- Params: $email.
select name, role, scopes, disabled_at is not null as disabled
from account
where email = lower(trim($email))
