-- scope: public (published or reference data, the same for every role)
SELECT domain, coalesce(strftime(latest_date, '%Y-%m-%d'), '—') AS latest_date, row_count FROM v_freshness
