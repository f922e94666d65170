-- Remove the commentary on one section of one year (before writing its new text).
-- Params: $fy, $section.
delete from entries.commentary
where fy = $fy and section = $section
