-- scope: county, department (12345 tickets: narrowed to a county account's county and a department account's department)
-- Tickets open past their deadline at the data cut-off (no personal data: content is masked at ingestion), longest
-- overdue first. $row_limit caps what a page draws (NULL: every row, for a download).
SELECT ticket_id, received_at, category, topic, county, department, extensions, deadline_at, workdays_overdue, content
FROM hotline_overdue
WHERE hotline_in_scope($counties, $departments, $m_from, $m_to, $categories, $channels)
ORDER BY workdays_overdue DESC, received_at, ticket_id
LIMIT $row_limit
