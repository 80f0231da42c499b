SELECT date_trunc('month', date_start)::DATE AS month, event_type, count(*) AS events
FROM chronicle_event GROUP BY ALL ORDER BY month, event_type
