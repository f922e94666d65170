-- Every committed write bumps the data version, so cached results keyed on it are refreshed.
-- Params: none. Run by db.Database.transaction itself, last, inside the transaction.
update entries.data_version set version = version + 1
