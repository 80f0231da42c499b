-- scope: county, department (12345 tickets: narrowed to a county account's county and a department account's department)
-- How long closing takes: dispatched, closed tickets per category and working days to close (capped at 40).
SELECT category, workdays, sum(tickets)::BIGINT AS tickets,
       any_value(standard_days) AS standard_days, max(max_days) AS max_days
FROM hotline_close_days
WHERE hotline_in_scope($counties, $departments, $m_from, $m_to, $categories, $channels)
GROUP BY ALL
ORDER BY category, workdays
