-- scope: public (published or reference data, the same for every role)
-- Choices of the global filter bar: counties, departments, and every month from the earliest to the latest data.
WITH span AS (
    SELECT min(m) AS first, max(m) AS last FROM (
        SELECT strptime(min(value), '%Y-%m')::DATE AS m FROM hotline_choice WHERE kind = 'month'
        UNION ALL SELECT strptime(max(value), '%Y-%m')::DATE FROM hotline_choice WHERE kind = 'month'
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
UNION ALL SELECT 'department', value, n FROM hotline_choice WHERE kind = 'department'
ORDER BY kind, n, value
