-- scope: county (rows belong to counties: a county account sees its own; a department account none)
SELECT period, period_type, period_end, count(*) FILTER (WHERE actual IS NOT NULL) AS reported
FROM indicator_progress
WHERE plan_doc_no = plan_or_latest($plan) AND (len($counties) = 0 OR list_contains($counties, county))
GROUP BY ALL ORDER BY period_end DESC
