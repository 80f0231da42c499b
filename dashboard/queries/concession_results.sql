-- scope: county (rows belong to counties: a county account sees its own; a department account none)
-- Concession results for one period (and its assessment types), optionally one or more counties, ranked within each
-- assessment type by score (1 = highest); an incomplete sheet (its score is not final) ranks below the complete ones,
-- and a vetoed enterprise below every other, whatever their scores.
SELECT rank() OVER (PARTITION BY r.assessment_type ORDER BY r.veto, NOT r.complete, r.total_score DESC NULLS LAST)::INTEGER AS rank,
       r.enterprise, r.county, r.period, r.assessment_type, r.total_score, r.items_scored, r.complete, r.veto,
       array_to_string(r.veto_nos::VARCHAR[], '、') AS veto_nos, r.passed, r.verdict, r.rectify_by, r.rectify_status, r.is_demo
FROM concession_result r
WHERE r.period = $period
  AND (len($types) = 0 OR list_contains($types, r.assessment_type))
  AND (len($counties) = 0 OR EXISTS (SELECT 1 FROM concession_enterprise_county c WHERE c.enterprise = r.enterprise AND list_contains($counties, c.county)))
ORDER BY r.assessment_type, rank, r.enterprise
