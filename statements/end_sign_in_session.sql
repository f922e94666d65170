-- Sign out: the session ends now.
-- Params: $token_hash. Returns the account it belonged to.
update entries.sign_in_session
set ended_at = current_timestamp
where token_hash = $token_hash and ended_at is null
returning account
