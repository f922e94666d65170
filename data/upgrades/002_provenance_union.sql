-- Brings a warehouse built before the provenance_union macro up to data/schema.sql (applied by
-- libstats.db when it opens a writable database without the macro).
-- The provenances behind an aggregate, as one sorted list ('modelled,published'): an aggregate macro,
-- three times faster than string_agg(distinct …) (the vocabulary is fixed by monthly_figure's check).
create macro provenance_union(p) as concat_ws(',',
    case when bool_or(p = 'imported') then 'imported' end,
    case when bool_or(p = 'modelled') then 'modelled' end,
    case when bool_or(p = 'published') then 'published' end);
