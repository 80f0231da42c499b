-- scope: admin (operations data for administrators only)
-- Everything the ETL refused, across the tabular domains (the reason first: on a phone only the first columns are in view).
SELECT '12345工单' AS domain, reason, "column", value, row, source_file FROM hotline_reject
UNION ALL SELECT '燃气特许经营', reason, "column", value, row, source_file FROM concession_reject
UNION ALL SELECT '规划指标监测', reason, "column", value, row, source_file FROM indicator_reject
ORDER BY domain, source_file, row NULLS FIRST, "column"
