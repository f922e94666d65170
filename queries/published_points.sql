-- The service points whose own figures a return publishes (each borough's busiest point) in both of two
-- years: the one like-for-like comparison that is published.
-- Params: $fy, $previous_fy, $borough (or null for both boroughs).
select
    borough,
    branch,
    metric,
    max(case when fy = $fy then value end) as value,
    max(case when fy = $previous_fy then value end) as previous,
    string_agg(source, '; ' order by fy) as source
from published_figure
where branch is not null
  and fy in ($fy, $previous_fy)
  and ($borough is null or borough = $borough)
group by borough, branch, metric
having count(distinct fy) = 2
order by borough, branch, metric
