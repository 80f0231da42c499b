-- The monthly 12345 volume of the whole city (series 全市) and of each county, full months only (a month the data
-- cut-off falls inside would look like a drop): the series etl/forecast.py fits.
SELECT coalesce(county, '全市') AS series, month, sum(volume)::DOUBLE AS volume
FROM hotline_cube
WHERE last_day(month) <= getvariable('as_of')::DATE
GROUP BY GROUPING SETS ((county, month), (month))
HAVING county IS NOT NULL OR grouping(county) = 1
ORDER BY series, month
