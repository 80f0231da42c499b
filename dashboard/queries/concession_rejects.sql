-- scope: public (the rows name files and cells, not counties; the page shows them to city-wide accounts only)
-- Score sheets (rows) and whole files the ETL refused, with the reason: a rejected sheet never counts as 合格 or 不合格.
SELECT source_file, row, "column", reason, value
FROM concession_reject
ORDER BY source_file, row NULLS FIRST, "column"
