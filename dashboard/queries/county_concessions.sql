-- scope: county (rows belong to counties: a county account sees its own; a department account none)
-- The latest result of each assessment type for every enterprise serving a county.
SELECT r.enterprise, r.county, r.period, r.assessment_type, r.total_score, r.verdict, r.rectify_by, r.rectify_status, r.is_demo
FROM concession_result r
JOIN concession_enterprise_county c ON c.enterprise = r.enterprise AND c.county = $county
WHERE r.year <= $year
QUALIFY row_number() OVER (PARTITION BY r.enterprise, r.assessment_type ORDER BY r.period_end DESC) = 1
ORDER BY r.verdict = '合格', r.total_score
