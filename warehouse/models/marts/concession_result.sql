-- Concession verdicts (管理办法 第四章–第五章, 评分细则): total = sum of item scores; 合格 when the sheet is
-- complete, total >= the pass mark (75, 第十六条) and no 一票否决 item is triggered. A veto means the concession is
-- to be withdrawn (第二十二、二十三条); a 不合格 annual result opens a rectification deadline (3 months, 第二十四条).
-- The pass mark and the months are read from concession_setting (reference/concession_settings.csv).
--
-- columns:
--   county — 、-joined
--   total_score — sum of the item scores
--   items_scored — rubric items with a score
--   complete — all 23 items scored
--   veto — 一票否决 items triggered
--   veto_nos — 一票否决 items triggered
--   passed — complete and total ≥ 75 and no veto
--   verdict — 合格 / 不合格 / 否决(收回特许经营权) / 不完整
--   rectify_by — period end + 3 months for a 不合格 annual result (第二十四条)
--   rectify_status — 已逾期 (rectify_by before the run's time), 即将到期 (within rectify_warning_days), 整改期内; NULL without a deadline
CREATE TABLE concession_result AS
WITH totals AS (
    SELECT enterprise, period, assessment_type, sum(score) AS total_score, count(DISTINCT item_code) AS items
    FROM concession_score GROUP BY ALL
), verdicts AS (
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
LEFT JOIN totals t USING (enterprise, period, assessment_type)
)
-- the rectification deadline against the run's time (publish sets run_at): a deadline passed is 已逾期
SELECT *, CASE WHEN rectify_by IS NULL THEN NULL
               WHEN rectify_by < getvariable('run_at')::DATE THEN '已逾期'
               WHEN rectify_by <= getvariable('run_at')::DATE + concession_setting_value('rectify_warning_days')::INTEGER THEN '即将到期'
               ELSE '整改期内' END AS rectify_status
FROM verdicts;
