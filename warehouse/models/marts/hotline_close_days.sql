-- Dispatched, closed tickets by working days to close (capped at 40), for the histograms.
--
-- columns:
--   max_days — largest limit including extensions in the group
-- incremental: month, county, department, category, channel
CREATE TABLE hotline_close_days AS
SELECT month, county, department, category, channel, least(workdays_to_close, 40) AS workdays,
       count(*) AS tickets, any_value(standard_days) AS standard_days, max(max_days_total) AS max_days
FROM hotline_ticket
WHERE NOT answered_directly AND closed_at IS NOT NULL
GROUP BY ALL
ORDER BY month, county;
