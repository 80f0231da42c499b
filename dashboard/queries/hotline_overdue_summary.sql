-- scope: county, department (12345 tickets: narrowed to a county account's county and a department account's department)
-- How many tickets are open past their deadline at the data cut-off, and the longest overdue, in working days.
SELECT count(*) AS tickets, max(workdays_overdue) AS longest
FROM hotline_overdue
WHERE hotline_in_scope($counties, $departments, $m_from, $m_to, $categories, $channels)
