-- A local account signs in: the token's hash, until when, from where.
-- Params: $token_hash, $account, $hours, $address.
insert into entries.sign_in_session (token_hash, account, expires_at, address)
values ($token_hash, $account, current_timestamp + to_hours($hours), $address)
