-- The Branches page's every-measure table, aggregated here rather than in pandas: one row per measure the
-- branch has in $fy or $previous_fy, with this year's months by position (m1 April … m12 March), the
-- year's total, last year's total over the same months when this year is part-way (a measure with fewer
-- than 12 months held), and the provenance of every figure added up.
-- Params: $branch, $fy, $previous_fy.
with years as (
    select metric, fy, ((month(month) + 8) % 12) + 1 as position, value, provenance
    from figures
    where branch = $branch and fy in ($fy, $previous_fy)
),
this_year as (select * from years where fy = $fy),
held as (select distinct metric, position from this_year),
part_year as (
    select coalesce(count(*) > 0 and min(months_held) < 12, false) as partial
    from (select metric, count(distinct position) as months_held from this_year group by metric)
),
last_year as (
    select y.*
    from years y
    where y.fy = $previous_fy
      and (not (select partial from part_year)
           or exists (select 1 from held h where h.metric = y.metric and h.position = y.position))
),
counted as (select * from this_year union all select * from last_year),
sums as (
    select
        metric,
        sum(value) filter (where fy = $fy and position = 1)::double as m1,
        sum(value) filter (where fy = $fy and position = 2)::double as m2,
        sum(value) filter (where fy = $fy and position = 3)::double as m3,
        sum(value) filter (where fy = $fy and position = 4)::double as m4,
        sum(value) filter (where fy = $fy and position = 5)::double as m5,
        sum(value) filter (where fy = $fy and position = 6)::double as m6,
        sum(value) filter (where fy = $fy and position = 7)::double as m7,
        sum(value) filter (where fy = $fy and position = 8)::double as m8,
        sum(value) filter (where fy = $fy and position = 9)::double as m9,
        sum(value) filter (where fy = $fy and position = 10)::double as m10,
        sum(value) filter (where fy = $fy and position = 11)::double as m11,
        sum(value) filter (where fy = $fy and position = 12)::double as m12,
        sum(value) filter (where fy = $fy)::double as this_total,
        sum(value) filter (where fy = $previous_fy)::double as last_total,
        list(distinct provenance) as provenances
    from counted
    group by metric
)
select
    m.metric,
    s.* exclude (metric),
    (select partial from part_year) as partial
from (select distinct metric from years) m
left join sums s using (metric)
order by m.metric
