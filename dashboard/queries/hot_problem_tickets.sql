-- scope: county, department (12345 tickets: narrowed to a county account's county and a department account's department)
-- The tickets of one problem in one month (and county): masked content, no personal data. $row_limit caps what a page
-- draws (NULL: every row, for a download).
SELECT t.ticket_id, t.received_at, t.category, t.topic, t.county, t.department, t.deadline_at, t.content
FROM hotline_ticket_problem p
JOIN hotline_ticket t USING (ticket_id)
WHERE p.term = $term AND p.month = $month AND t.month = $month
  AND ($county IS NULL OR p.county = $county)
  AND (len($counties) = 0 OR list_contains($counties, t.county))
  AND (len($departments) = 0 OR list_contains($departments, t.department))
ORDER BY t.received_at, t.ticket_id
LIMIT $row_limit
