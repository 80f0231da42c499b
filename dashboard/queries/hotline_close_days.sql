-- How long closing takes: dispatched, closed tickets per category and working days to close (capped at 40).
SELECT category, least(workdays_to_close, 40) AS workdays, count(*) AS tickets,
       any_value(standard_days) AS standard_days, max(max_days_total) AS max_days
FROM hotline_scope($counties, $departments, $m_from, $m_to, $categories, $channels)
WHERE NOT answered_directly AND closed_at IS NOT NULL
GROUP BY ALL
ORDER BY category, workdays
