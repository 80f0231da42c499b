-- scope: county (a county's series belongs to it; the whole city's (county NULL) to city-wide accounts)
-- The next months' 12345 volume forecast of the whole city ($county NULL) or one county (etl/forecast.py).
SELECT strftime(month, '%Y-%m') AS month, forecast, lo80, hi80, lo95, hi95, method, history_months
FROM hotline_forecast
WHERE county IS NOT DISTINCT FROM $county
ORDER BY month
