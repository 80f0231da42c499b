SELECT period, period_type, period_end, count(*) FILTER (WHERE actual IS NOT NULL) AS reported
FROM indicator_progress GROUP BY ALL ORDER BY period_end DESC
