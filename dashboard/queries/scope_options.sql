-- Choices of the global filter bar: counties, departments, and every month from the earliest to the latest data.
WITH span AS (
    SELECT min(m) AS first, max(m) AS last FROM (
        SELECT min(month) AS m FROM hotline_cube UNION ALL SELECT max(month) FROM hotline_cube
        UNION ALL SELECT min(date_trunc('month', date_start))::DATE FROM chronicle_event
        UNION ALL SELECT max(date_trunc('month', date_end))::DATE FROM chronicle_event
        UNION ALL SELECT min(date_trunc('month', period_end))::DATE FROM concession_result
        UNION ALL SELECT max(date_trunc('month', period_end))::DATE FROM concession_result
        UNION ALL SELECT min(date_trunc('month', period_end))::DATE FROM indicator_actual
        UNION ALL SELECT max(date_trunc('month', period_end))::DATE FROM indicator_actual
    )
)
SELECT 'month' AS kind, strftime(d, '%Y-%m') AS value, 0 AS n
FROM span, generate_series(span.first, span.last, INTERVAL 1 MONTH) AS g(d)
WHERE span.first IS NOT NULL
UNION ALL SELECT 'county', county_name, sort_order FROM county WHERE NOT is_city_total
UNION ALL SELECT 'department', department, sum(volume)::BIGINT FROM hotline_cube WHERE department IS NOT NULL GROUP BY ALL
ORDER BY kind, n, value
