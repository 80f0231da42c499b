-- scope: county, department (a county account sees its county's warnings; a department account its department's)
-- The warnings (warehouse model alert) in the filter scope: a warning with counties matches a county filter when it
-- concerns one of them; one without (a department's, or the whole city's) shows only without a county filter. A month
-- filter keeps the warnings of those months and every warning about the state at the cut-off or the run.
SELECT alert_key, kind, label, severity, severity_rank, is_new, county, department, enterprise, indicator, topic,
       period, month, figure, threshold, unit, message, page, link, first_seen
FROM alert
WHERE (len($counties) = 0 OR list_has_any(counties, $counties))
  AND (len($departments) = 0 OR list_contains($departments, department))
  AND (month IS NULL OR month BETWEEN $m_from AND $m_to)
ORDER BY severity_rank, is_new DESC, month DESC NULLS FIRST, label, county, department
