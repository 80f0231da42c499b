-- scope: county (rows belong to counties: a county account sees its own; a department account none)
SELECT r.period, r.period_end, r.assessment_type, r.total_score, r.verdict
FROM concession_result r
WHERE r.enterprise = $enterprise
  AND (len($counties) = 0 OR EXISTS (SELECT 1 FROM concession_enterprise_county c WHERE c.enterprise = r.enterprise AND list_contains($counties, c.county)))
ORDER BY r.period_end, r.assessment_type
