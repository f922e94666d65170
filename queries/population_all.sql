-- Population of each borough by financial year, with its provenance and source.
-- Params: none.
select
    borough,
    fy,
    population,
    provenance,
    source
from population
order by borough, fy
