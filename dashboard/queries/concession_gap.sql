-- 自评 (mean of the year's quarters) against 年度考评, per enterprise and item, for one year.
SELECT enterprise, item_code, item_name, max_points, self_score, official_score, gap
FROM v_concession_self_vs_official WHERE year = $year
ORDER BY enterprise, string_split(item_code, '.')[1]::INTEGER, string_split(item_code, '.')[2]::INTEGER
