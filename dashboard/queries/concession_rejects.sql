-- scope: public (the rows name files and cells, not counties; the page shows them to city-wide accounts only)
-- Score sheets (rows) and whole files the ETL refused, with the reason: a rejected sheet never counts as 合格 or 不合格.
-- the reason first: on a phone only the first columns are in view
SELECT reason, "column", value, row, source_file
FROM concession_reject
ORDER BY source_file, row NULLS FIRST, "column"
