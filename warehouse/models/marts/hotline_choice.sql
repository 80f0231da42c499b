-- The choices of the filter bars (months, departments, categories, channels) with their ticket counts.
CREATE TABLE hotline_choice AS
SELECT 'month' AS kind, strftime(month, '%Y-%m') AS value, sum(volume)::BIGINT AS n FROM hotline_cube GROUP BY ALL
UNION ALL SELECT 'department', department, sum(volume)::BIGINT FROM hotline_cube WHERE department IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'category', category, sum(volume)::BIGINT FROM hotline_cube GROUP BY ALL
UNION ALL SELECT 'channel', channel, sum(volume)::BIGINT FROM hotline_cube WHERE channel IS NOT NULL GROUP BY ALL;
