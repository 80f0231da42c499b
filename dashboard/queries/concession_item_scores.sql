-- scope: county (rows belong to counties: a county account sees its own; a department account none)
-- Item scores as a share of the item maximum, for the heatmap.
SELECT s.enterprise, s.assessment_type, s.item_code, s.item_name, s.score, s.max_points, s.pct_of_max
FROM concession_score s
WHERE s.period = $period AND (len($types) = 0 OR list_contains($types, s.assessment_type))
  AND (len($counties) = 0 OR EXISTS (SELECT 1 FROM concession_enterprise_county c WHERE c.enterprise = s.enterprise AND list_contains($counties, c.county)))
ORDER BY s.enterprise, string_split(s.item_code, '.')[1]::INTEGER, string_split(s.item_code, '.')[2]::INTEGER
