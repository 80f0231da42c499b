SELECT period, quarter IS NULL AS annual, count(*) AS sheets FROM concession_result GROUP BY ALL ORDER BY period DESC
