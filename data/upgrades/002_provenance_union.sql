-- The provenance_union aggregate macro. Applied after data/schema.sql by every build, and to a warehouse
-- built before it when that is opened for writing (libstats.db.upgrade).
-- The provenances behind an aggregate, as one sorted list ('modelled,published'): an aggregate macro,
-- three times faster than string_agg(distinct …) (the vocabulary is fixed by monthly_figure's check).
create macro provenance_union(p) as concat_ws(',',
    case when bool_or(p = 'imported') then 'imported' end,
    case when bool_or(p = 'modelled') then 'modelled' end,
    case when bool_or(p = 'published') then 'published' end);
