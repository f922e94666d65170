-- Forget that one year's targets were set (after its targets are removed).
-- Params: $fy.
delete from entries.target_year
where fy = $fy
