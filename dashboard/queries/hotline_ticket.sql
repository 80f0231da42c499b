-- scope: county, department (12345 tickets: narrowed to a county account's county and a department account's department)
-- One ticket for its drill-through: the steps, the deadlines and the outcome. No personal data: no caller, the
-- content masked at ingestion.
SELECT ticket_id, received_at, channel, category, topic, county, department, handling, answered_directly,
       dispatched_at, signed_at, returned_at, closed_at, extensions, satisfaction, content,
       standard_deadline_at, deadline_at, sign_on_time, return_on_time, closed_on_time, overdue_open,
       workdays_to_close, workdays_overdue, calendar_provisional
FROM hotline_ticket
WHERE ticket_id = $ticket_id
  AND (len($counties) = 0 OR list_contains($counties, county))
  AND (len($departments) = 0 OR list_contains($departments, department))
