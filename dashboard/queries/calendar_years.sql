-- scope: public (published or reference data, the same for every role)
-- The working-day calendar by year: where its holidays come from, and for a provisional year (no official schedule
-- entered yet) the finding that says what to do (etl/calendar.py writes it).
SELECT c.year,
       any_value(c.calendar_source) AS calendar_source,
       bool_or(c.is_provisional) AS is_provisional,
       count(*) FILTER (WHERE NOT c.is_workday AND NOT c.is_weekend) AS holidays,
       count(*) FILTER (WHERE c.is_workday AND c.is_weekend) AS working_weekends,
       any_value(f.message) AS note
FROM calendar c
LEFT JOIN dq_finding f ON f.check_name = 'calendar_fallback' AND f.location = 'calendar ' || c.year
GROUP BY c.year
ORDER BY c.year
