SELECT domain, latest_date, row_count FROM v_freshness
