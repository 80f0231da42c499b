-- The newest data date per domain, for the freshness line.
CREATE VIEW v_freshness AS
SELECT '大事记' AS domain, max(date_end) AS latest_date, count(*) AS row_count FROM chronicle_event
UNION ALL
SELECT '公报文件', max(issued_on), count(*) FROM gazette_document
UNION ALL
SELECT '规划指标', NULL, count(*) FROM plan_indicator;
