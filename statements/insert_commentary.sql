-- The head of service's commentary on one section of one year, with who wrote it and when.
-- Params: $fy, $section, $body, $author.
insert into entries.commentary (fy, section, body, written_by, written_at)
values ($fy, $section, $body, $author, current_timestamp)
