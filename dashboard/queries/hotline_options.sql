-- Choices for the hotline filters.
SELECT 'month' AS kind, strftime(month, '%Y-%m') AS value, count(*) AS n FROM hotline_ticket GROUP BY ALL
UNION ALL SELECT 'department', department, count(*) FROM hotline_ticket WHERE department IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'category', category, count(*) FROM hotline_ticket GROUP BY ALL
UNION ALL SELECT 'channel', channel, count(*) FROM hotline_ticket WHERE channel IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'county', county_name, -sort_order FROM county WHERE NOT is_city_total
ORDER BY kind, n DESC, value
