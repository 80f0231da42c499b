-- Concession verdicts (管理办法 第四章–第五章, 评分细则): total = sum of item scores; 合格 when the sheet is
-- complete, total >= the pass mark (75, 第十六条) and no 一票否决 item is triggered. A veto means the concession is
-- to be withdrawn (第二十二、二十三条); a 不合格 annual result opens a rectification deadline (3 months, 第二十四条).
-- The pass mark and the months are read from concession_setting (reference/concession_settings.csv).

CREATE MACRO concession_setting_value(k) AS (SELECT value FROM concession_setting WHERE key = k);

-- A sheet loaded again (same enterprise, period and type) from a later file replaces the earlier one.
CREATE TABLE concession_sheet AS
SELECT * FROM concession_sheet_version
QUALIFY row_number() OVER (PARTITION BY enterprise, period, assessment_type ORDER BY source_file DESC, source_row DESC) = 1;

CREATE TABLE concession_score AS
SELECT s.enterprise, s.period, s.assessment_type, v.item_code, r.item_name, r.group_no, r.group_name, v.score, r.max_points,
       100.0 * v.score / r.max_points AS pct_of_max, v.remark, s.year, s.quarter
FROM concession_sheet s
JOIN concession_score_version v USING (enterprise, period, assessment_type, source_file)
JOIN concession_rubric r USING (item_code)
QUALIFY row_number() OVER (PARTITION BY s.enterprise, s.period, s.assessment_type, v.item_code ORDER BY v.source_row DESC) = 1;

CREATE TABLE concession_enterprise_county AS
SELECT DISTINCT enterprise, unnest(counties) AS county FROM concession_sheet;

CREATE TABLE concession_result AS
WITH totals AS (
    SELECT enterprise, period, assessment_type, sum(score) AS total_score, count(DISTINCT item_code) AS items
    FROM concession_score GROUP BY ALL
)
SELECT
    s.enterprise,
    array_to_string(s.counties, '、') AS county,
    s.period, s.year, s.quarter, s.period_end, s.assessment_type,
    coalesce(t.total_score, 0) AS total_score,
    coalesce(t.items, 0) AS items_scored,
    coalesce(t.items, 0) = (SELECT count(*) FROM concession_rubric) AS complete,
    len(s.veto_nos) > 0 AS veto,
    s.veto_nos,
    coalesce(t.items, 0) = (SELECT count(*) FROM concession_rubric) AND coalesce(t.total_score, 0) >= concession_setting_value('pass_mark') AND len(s.veto_nos) = 0 AS passed,
    CASE WHEN len(s.veto_nos) > 0 THEN '否决(收回特许经营权)'
         WHEN coalesce(t.items, 0) < (SELECT count(*) FROM concession_rubric) THEN '不完整'
         WHEN t.total_score >= concession_setting_value('pass_mark') THEN '合格'
         ELSE '不合格' END AS verdict,
    CASE WHEN s.quarter IS NULL AND len(s.veto_nos) = 0 AND coalesce(t.items, 0) = (SELECT count(*) FROM concession_rubric)
              AND t.total_score < concession_setting_value('pass_mark')
         THEN (s.period_end + to_months(concession_setting_value('rectify_months')::INTEGER))::DATE END AS rectify_by,
    s.note, s.is_demo, s.source_file
FROM concession_sheet s
LEFT JOIN totals t USING (enterprise, period, assessment_type);

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
