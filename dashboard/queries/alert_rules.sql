-- scope: public
-- The 预警 rules in force (reference/alert_rules.csv), as 预警中心 explains them.
SELECT r.label, r.severity, r.enabled, coalesce(r.threshold, s.value) AS threshold, r.unit, r.min_volume, r.span, r.rule, r.source
FROM alert_rule r
LEFT JOIN hotline_setting s ON s.key = r.target_setting
ORDER BY CASE r.severity WHEN '严重' THEN 1 WHEN '关注' THEN 2 ELSE 3 END, r.kind
