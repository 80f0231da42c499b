-- 自评 (mean of the year's quarterly self-assessments) against the 年度考评 of the same enterprise and year, item by item.
CREATE VIEW v_concession_self_vs_official AS
WITH self AS (
    SELECT enterprise, year, item_code, avg(score) AS self_score, count(*) AS self_sheets
    FROM concession_score WHERE assessment_type = '自评' GROUP BY ALL
), official AS (
    SELECT enterprise, year, item_code, score AS official_score
    FROM concession_score WHERE assessment_type = '年度考评' AND quarter IS NULL
)
SELECT o.enterprise, o.year, o.item_code, r.item_name, r.group_name, r.max_points, s.self_score, s.self_sheets, o.official_score,
       s.self_score - o.official_score AS gap
FROM official o
JOIN self s USING (enterprise, year, item_code)
JOIN concession_rubric r USING (item_code);
