-- scope: county (rows belong to counties: a county account sees its own; a department account none)
-- 自评 (mean of the year's quarters) against 年度考评, per enterprise and item, for one year and optionally some counties.
SELECT g.enterprise, g.item_code, g.item_name, g.max_points, g.self_score, g.official_score, g.gap
FROM v_concession_self_vs_official g
WHERE g.year = $year
  AND (len($counties) = 0 OR EXISTS (SELECT 1 FROM concession_enterprise_county c WHERE c.enterprise = g.enterprise AND list_contains($counties, c.county)))
ORDER BY g.enterprise, string_split(g.item_code, '.')[1]::INTEGER, string_split(g.item_code, '.')[2]::INTEGER
