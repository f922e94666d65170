-- Every account with its role and scope, for the command line and the pages (the view holds no password hashes).
-- Params: none.
select name, email, role, scopes, failed_sign_ins, locked_until, disabled_at, created_at, created_by, has_password
from account
order by name
