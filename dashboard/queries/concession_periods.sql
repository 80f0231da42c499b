-- scope: county (rows belong to counties: a county account sees its own; a department account none)
SELECT r.period, r.quarter IS NULL AS annual, count(*) AS sheets
FROM concession_result r
WHERE len($counties) = 0 OR EXISTS (SELECT 1 FROM concession_enterprise_county c WHERE c.enterprise = r.enterprise AND list_contains($counties, c.county))
GROUP BY ALL ORDER BY r.period DESC
