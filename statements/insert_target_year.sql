-- One year's targets are set by the head of service: they replace the seed's for that year.
-- Params: $fy, $author.
insert into entries.target_year (fy, set_by, set_at)
values ($fy, $author, current_timestamp)
