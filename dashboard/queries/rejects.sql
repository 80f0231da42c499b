-- scope: admin (operations data for administrators only)
-- Everything the ETL refused, across the tabular domains.
SELECT '12345工单' AS domain, source_file, row, "column", reason, value FROM hotline_reject
UNION ALL SELECT '燃气特许经营', source_file, row, "column", reason, value FROM concession_reject
UNION ALL SELECT '规划指标监测', source_file, row, "column", reason, value FROM indicator_reject
ORDER BY domain, source_file, row NULLS FIRST, "column"
