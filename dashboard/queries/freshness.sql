-- scope: public (published or reference data, the same for every role)
-- Each domain's newest date against the run's time and its expected refresh (reference/freshness_rules.csv).
SELECT label, latest_date, row_count, age_days, max_age_days, stale FROM v_freshness
