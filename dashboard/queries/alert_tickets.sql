-- scope: county, department (12345 tickets: narrowed to a county account's county and a department account's department)
-- The tickets behind a 即将超期 or 逾期未办结 warning: open tickets of a department (and county), due within
-- $workdays working days of the cut-off ($kind due_soon) or past their deadline (overdue_open). No personal data.
-- $row_limit caps what a page draws (NULL: every row, for a download).
WITH cut AS (SELECT value::TIMESTAMP AS as_of FROM warehouse_info WHERE key = 'hotline_as_of')
SELECT t.ticket_id, t.received_at, t.category, t.topic, t.county, t.department, t.deadline_at, t.workdays_overdue, t.content
FROM hotline_ticket t
JOIN calendar d ON d.date = t.deadline_at::DATE
CROSS JOIN cut
WHERE t.department = $department
  AND ($county IS NULL OR t.county = $county)
  AND (len($counties) = 0 OR list_contains($counties, t.county))
  AND (len($departments) = 0 OR list_contains($departments, t.department))
  AND CASE $kind
        WHEN 'overdue_open' THEN t.overdue_open
        WHEN 'due_soon' THEN t.closed_at IS NULL AND NOT t.answered_directly
             AND t.deadline_at >= cut.as_of
             AND d.workday_no - (SELECT workday_no FROM calendar WHERE date = cut.as_of::DATE) <= $workdays
        ELSE false END
ORDER BY t.deadline_at, t.ticket_id
LIMIT $row_limit
