-- A wrong password: one more failure; at $max_failures in a row the account is locked for $minutes.
-- Params: $account, $max_failures, $minutes.
update entries.account
set failed_sign_ins = failed_sign_ins + 1,
    locked_until = case when failed_sign_ins + 1 >= $max_failures then current_timestamp + to_minutes($minutes)
                        else locked_until end
where name = $account
