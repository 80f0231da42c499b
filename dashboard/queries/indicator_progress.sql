-- scope: county (rows belong to counties: a county account sees its own; a department account none)
-- Indicator status per county for one period.
SELECT seq, name, unit, county, sort_order, period, actual, actual_text, expected, target_value, target_text, baseline_year, target_year, status
FROM indicator_progress
WHERE plan_doc_no = plan_or_latest($plan) AND period = $period AND (len($counties) = 0 OR list_contains($counties, county))
ORDER BY seq, sort_order
