-- Tickets open past their deadline at the cut-off: the list leaders act on.
CREATE TABLE hotline_overdue AS
SELECT month, ticket_id, received_at, category, topic, county, department, channel, extensions, deadline_at,
       workdays_overdue, content
FROM hotline_ticket
WHERE overdue_open
ORDER BY month, county;
