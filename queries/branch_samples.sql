-- A branch's sampled counts (a week, an 8-day window, a day), as counted: never in a month or a year, shown
-- as samples (and grossed up only as a labelled estimate: libstats/periods.py). One row per sample.
-- Params: $branch.
select
    branch,
    borough,
    metric,
    period_start,
    period_end,
    days,
    value,
    method,
    import_id,
    -- '11 to 17 February 2019, sampled week': the period in words, as the page and the preview say it
    case when period_start = period_end then strftime(period_start, '%-d %B %Y')
         when year(period_start) = year(period_end) and month(period_start) = month(period_end)
             then strftime(period_start, '%-d') || ' to ' || strftime(period_end, '%-d %B %Y')
         when year(period_start) = year(period_end)
             then strftime(period_start, '%-d %B') || ' to ' || strftime(period_end, '%-d %B %Y')
         else strftime(period_start, '%-d %B %Y') || ' to ' || strftime(period_end, '%-d %B %Y') end
    || ', ' || case days when 1 then 'sampled day' when 7 then 'sampled week' else 'sampled ' || days || ' days' end
        as shown
from sample_figure
where branch = $branch
order by metric, period_start, period_end
