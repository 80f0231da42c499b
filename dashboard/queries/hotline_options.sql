-- Choices for the hotline filters, with their ticket counts (from the page aggregate).
SELECT 'month' AS kind, strftime(month, '%Y-%m') AS value, sum(volume)::BIGINT AS n FROM hotline_cube GROUP BY ALL
UNION ALL SELECT 'department', department, sum(volume)::BIGINT FROM hotline_cube WHERE department IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'category', category, sum(volume)::BIGINT FROM hotline_cube GROUP BY ALL
UNION ALL SELECT 'channel', channel, sum(volume)::BIGINT FROM hotline_cube WHERE channel IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'county', county_name, -sort_order FROM county WHERE NOT is_city_total
ORDER BY kind, n DESC, value
