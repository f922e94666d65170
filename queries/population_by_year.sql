-- Population of a scope for some financial years, with its provenance.
-- Params: $fys (list of years), $borough (or null for both boroughs together).
select
    fy,
    sum(population) as population,
    string_agg(distinct provenance, ',' order by provenance) as provenance
from population
where list_contains($fys, fy)
  and ($borough is null or borough = $borough)
group by fy
order by fy
