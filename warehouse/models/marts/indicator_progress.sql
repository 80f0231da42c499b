-- Plan-indicator monitoring. expected = the straight line from the baseline (at the end of the plan's baseline_year)
-- to the target (at the end of its target_year: 2020 and 2025 for the 2021–2025 plan; the years come from the
-- gazette, never from here), read at the end of the period; where the baseline is missing or in another
-- unit (indicator 1), the line starts at the first reported actual of that indicator and county.
-- status: 已达标 (actual >= the target: every target of 专栏1 is a level to reach or keep, e.g. 义务教育
-- 巩固率 stays at or above 98), 按进度 (>= expected), 滞后 (below), 未报送 (nothing reported for the period).
-- Qualitative targets (应兜尽兜, 应保尽保) take 是 (已达标) or 否 (滞后).
--
-- columns:
--   plan_doc_no — the plan (`plan_catalog.doc_no`)
--   actual — NULL when not reported
--   actual_text — NULL when not reported
--   baseline_year — the plan's years, from its 专栏1 header (2020 and 2025 for the 2021–2025 plan)
--   target_year — the plan's years, from its 专栏1 header (2020 and 2025 for the 2021–2025 plan)
--   expected — on the straight line from the baseline (at the end of `baseline_year`, or the first actual) to the target (at the end of `target_year`)
--   status — 已达标 / 按进度 / 滞后 / 未报送

CREATE TABLE indicator_progress AS
WITH plan_ind AS (
    SELECT i.doc_no, i.seq, i.name, i.unit, i.baseline_value, i.target_value, i.target_text, i.comparator, i.unit_mixed,
           i.baseline_year, i.target_year,
           make_date(i.baseline_year, 12, 31) AS baseline_end, make_date(i.target_year, 12, 31) AS target_end,
           i.target_value IS NULL AND i.baseline_value IS NULL AND i.target_text NOT IN ('—', '-', '') AS qualitative
    FROM plan_indicator i JOIN plan_catalog p ON p.doc_no = i.doc_no AND p.issue = i.issue
),
actual AS (
    SELECT a.*, p.doc_no FROM indicator_actual a
    JOIN plan_catalog p ON year(a.period_end) > p.baseline_year AND year(a.period_end) <= p.target_year
),
periods AS (SELECT DISTINCT doc_no, period, period_type, period_end FROM actual),
grid AS (
    SELECT p.*, c.county_name AS county, c.county_key, c.sort_order, d.period, d.period_type, d.period_end
    FROM plan_ind p CROSS JOIN county c JOIN periods d USING (doc_no)
),
first_actual AS (
    SELECT doc_no, seq, county, arg_min(value, period_end) AS v0, min(period_end) AS t0 FROM actual GROUP BY ALL
),
lined AS (
    SELECT g.*, a.value AS actual, a.value_text AS actual_text,
           CASE WHEN g.baseline_value IS NOT NULL AND NOT g.unit_mixed THEN g.baseline_value ELSE f.v0 END AS line_v0,
           CASE WHEN g.baseline_value IS NOT NULL AND NOT g.unit_mixed THEN g.baseline_end ELSE f.t0 END AS line_t0
    FROM grid g
    LEFT JOIN actual a USING (doc_no, seq, county, period)
    LEFT JOIN first_actual f USING (doc_no, seq, county)
),
expected AS (
    SELECT *,
           CASE WHEN qualitative OR target_value IS NULL OR line_v0 IS NULL THEN NULL
                WHEN period_end >= target_end OR line_t0 >= target_end THEN target_value
                WHEN period_end <= line_t0 THEN line_v0
                ELSE line_v0 + (target_value - line_v0) * date_diff('day', line_t0, period_end) / date_diff('day', line_t0, target_end)
           END AS expected
    FROM lined
)
SELECT doc_no AS plan_doc_no, seq, name, unit, county, county_key, sort_order, period, period_type, period_end, actual, actual_text,
       baseline_value, target_value, target_text, baseline_year, target_year, qualitative, expected,
       CASE WHEN actual IS NULL THEN '未报送'
            WHEN qualitative THEN CASE WHEN actual = 1 THEN '已达标' ELSE '滞后' END
            WHEN target_value IS NOT NULL AND actual >= target_value THEN '已达标'
            WHEN actual >= expected THEN '按进度'
            ELSE '滞后'
       END AS status
FROM expected;
