-- The data version inside a write's transaction (to refuse an import checked against older data).
-- Params: none.
select max(version) as version from entries.data_version
