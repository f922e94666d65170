-- The current data version: changes on every write, so cached results can be keyed on it.
-- Params: none.
select max(version) as version from data_version
