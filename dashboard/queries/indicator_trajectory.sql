-- scope: county (rows belong to counties: a county account sees its own; a department account none)
-- One indicator in one county: the reported actuals with the expected line, plus the plan's baseline and target.
SELECT p.period, p.period_end, p.actual, p.expected, p.status, p.baseline_value, p.target_value, p.unit, p.name,
       p.baseline_year, p.target_year, j.projected, j.projected_lo80, j.projected_hi80, j.points AS projection_points
FROM indicator_progress p
LEFT JOIN indicator_projection j USING (plan_doc_no, seq, county)
WHERE p.plan_doc_no = plan_or_latest($plan) AND p.seq = $seq AND p.county = $county
ORDER BY p.period_end
