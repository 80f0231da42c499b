-- scope: public, county (the gazette's record, open to every role; a county account sees the entries naming its county)
-- Chronicle events that mention one county, in a date range.
SELECT e.date_start, e.date_end, e.event_type, e.leaders, e.text
FROM v_chronicle_event e
WHERE list_contains(e.counties, $county) AND e.date_start <= $end AND e.date_end >= $start
ORDER BY e.date_start
