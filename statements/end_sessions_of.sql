-- Every open session of an account ends (its password changed, or it was disabled).
-- Params: $account.
update entries.sign_in_session
set ended_at = current_timestamp
where account = $account and ended_at is null
