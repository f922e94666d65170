-- Remove the targets set for one year (before setting them again).
-- Params: $fy.
delete from entries.entered_target
where fy = $fy
