-- scope: public, county (the gazette's record, open to every role; a county account sees the entries naming its county)
-- Chronicle events overlapping [$start, $end], filtered; an empty list means no filter on that field.
SELECT event_id, date_start, date_end, event_type, leaders, counties, text, issue
FROM v_chronicle_event
WHERE date_start <= $end AND date_end >= $start
  AND (len($types) = 0 OR list_contains($types, event_type))
  AND (len($leaders) = 0 OR list_has_any(leaders, $leaders))
  AND (len($counties) = 0 OR list_has_any(counties, $counties))
  AND ($keyword = '' OR contains(text, $keyword))
ORDER BY date_start, event_id
