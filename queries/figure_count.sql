-- How many figures the full export holds (without reading them).
-- Params: none.
select count(*) as figures from figures
