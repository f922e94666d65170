-- A sign-in that worked, or an administrator's unlock: the failures are forgotten.
-- Params: $account.
update entries.account
set failed_sign_ins = 0, locked_until = null
where name = $account
