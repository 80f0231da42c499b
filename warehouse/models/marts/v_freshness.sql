-- How fresh each domain's data is: its newest date against the run's time (warehouse_info.run_at), and whether
-- that is older than the domain's expected refresh (reference/freshness_rules.csv, which an operator edits).
--
-- columns:
--   domain — hotline / concession / indicator / gazette / chronicle (freshness_rule.domain)
--   label — the domain's Chinese name
--   latest_date — the newest date the domain's data carries (receipt, period end, issue date, event date)
--   row_count — rows of the domain's main table
--   age_days — days from latest_date to the run's time; NULL without data
--   max_age_days — the expected refresh (freshness_rule)
--   stale — age_days above max_age_days, or no data at all
CREATE VIEW v_freshness AS
WITH latest AS (
    SELECT 'hotline' AS domain, max(received_at)::DATE AS latest_date, count(*) AS row_count FROM hotline_ticket
    UNION ALL SELECT 'concession', max(period_end), count(*) FROM concession_sheet
    UNION ALL SELECT 'indicator', max(period_end), count(*) FROM indicator_actual
    UNION ALL SELECT 'gazette', max(issued_on), count(*) FROM gazette_document
    UNION ALL SELECT 'chronicle', max(date_end), count(*) FROM chronicle_event
), run AS (
    SELECT value::TIMESTAMP::DATE AS run_on FROM warehouse_info WHERE key = 'run_at'
)
SELECT r.domain, r.label, l.latest_date, l.row_count,
       run.run_on - l.latest_date AS age_days,
       r.max_age_days,
       l.latest_date IS NULL OR run.run_on - l.latest_date > r.max_age_days AS stale
FROM freshness_rule r
JOIN latest l USING (domain)
CROSS JOIN run
ORDER BY r.domain;
