-- 红黑榜: monthly and yearly rankings of counties and of 承办单位 on the 三率 (附件3: 办结率 over the tickets due,
-- 按期办结率, 满意率), on their mean (综合), and for 承办单位 by year on the 附件3 score (hotline_dept_score). Rank 1 is
-- the best; equal values share a rank. A unit with fewer than ranking_min_volume tickets due in the period is not
-- ranked (one ticket would move its rates by five points and more). The best and the worst ranking_board_size units are
-- 红榜 and 黑榜, a third of the ranked units each where there are fewer than three times that many (ten counties: three
-- and three). rank_change compares with the previous month or year in which the unit was ranked on the same measure.
--
-- columns:
--   period_kind — 月度 / 年度
--   period — YYYY-MM or YYYY
--   month — the period's first month (for the month filter)
--   unit_kind — county / department
--   unit — the county or 承办单位
--   counties — the county as a list for a county's row (the county filter); empty for a 承办单位
--   measure — close_rate / on_time_rate / satisfaction_rate / composite / dept_score (metric keys; composite = the mean of the three rates)
--   value — the unit's figure on the measure
--   due — tickets due in the period (the basis of the ranking)
--   ranked — units ranked on the measure in the period
--   rank — 1 = the best
--   prev_rank — the rank in the previous period the unit was ranked in; NULL for its first
--   rank_change — prev_rank − rank: positive = moved up
--   board — 红榜 / 黑榜 / NULL
CREATE TABLE hotline_ranking AS
WITH s AS (
    SELECT key, value FROM hotline_setting
), units AS (
    SELECT '月度' AS period_kind, strftime(month, '%Y-%m') AS period, month, 'county' AS unit_kind, county AS unit,
           sum(closed) AS closed, sum(overdue_open) AS overdue_open, sum(closed_on_time) AS on_time, sum(satisfied) AS satisfied, sum(visited) AS visited
    FROM hotline_cube WHERE county IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT '月度', strftime(month, '%Y-%m'), month, 'department', department,
           sum(closed), sum(overdue_open), sum(closed_on_time), sum(satisfied), sum(visited)
    FROM hotline_cube WHERE department IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT '年度', strftime(month, '%Y'), min(month), 'county', county,
           sum(closed), sum(overdue_open), sum(closed_on_time), sum(satisfied), sum(visited)
    FROM hotline_cube WHERE county IS NOT NULL GROUP BY strftime(month, '%Y'), county
    UNION ALL
    SELECT '年度', strftime(month, '%Y'), min(month), 'department', department,
           sum(closed), sum(overdue_open), sum(closed_on_time), sum(satisfied), sum(visited)
    FROM hotline_cube WHERE department IS NOT NULL GROUP BY strftime(month, '%Y'), department
), rated AS (
    SELECT u.*, u.closed + u.overdue_open AS due,
           100.0 * u.closed / nullif(u.closed + u.overdue_open, 0) AS close_rate,
           100.0 * u.on_time / nullif(u.closed, 0) AS on_time_rate,
           100.0 * u.satisfied / nullif(u.visited, 0) AS satisfaction_rate
    FROM units u
    WHERE u.closed + u.overdue_open >= (SELECT value FROM s WHERE key = 'ranking_min_volume')
), measured AS (
    SELECT period_kind, period, month, unit_kind, unit, due, m.measure, m.value
    FROM rated,
    LATERAL (VALUES ('close_rate', close_rate), ('on_time_rate', on_time_rate), ('satisfaction_rate', satisfaction_rate),
                    ('composite', (coalesce(close_rate, 0) + coalesce(on_time_rate, 0) + coalesce(satisfaction_rate, 0))
                                  / nullif((close_rate IS NOT NULL)::INT + (on_time_rate IS NOT NULL)::INT + (satisfaction_rate IS NOT NULL)::INT, 0))) m(measure, value)
    UNION ALL
    SELECT '年度', d.year::VARCHAR, make_date(d.year, 1, 1), 'department', d.department, r.due, 'dept_score', d.score
    FROM hotline_dept_score d
    JOIN rated r ON r.period_kind = '年度' AND r.unit_kind = 'department' AND r.unit = d.department AND r.period = d.year::VARCHAR
), ranked AS (
    SELECT *, rank() OVER (PARTITION BY period_kind, period, unit_kind, measure ORDER BY round(value, 1) DESC) AS rank,
           count(*) OVER (PARTITION BY period_kind, period, unit_kind, measure) AS ranked
    FROM measured WHERE value IS NOT NULL
), boards AS (
    SELECT *, lag(rank) OVER (PARTITION BY period_kind, unit_kind, unit, measure ORDER BY period) AS prev_rank,
           least((SELECT value FROM s WHERE key = 'ranking_board_size'), greatest(1, ranked // 3)) AS board_size
    FROM ranked
)
SELECT period_kind, period, month, unit_kind, unit, CASE WHEN unit_kind = 'county' THEN [unit] ELSE [] END AS counties,
       measure, value, due, ranked, rank::INTEGER AS rank, prev_rank::INTEGER AS prev_rank, (prev_rank - rank)::INTEGER AS rank_change,
       CASE WHEN rank <= board_size THEN '红榜' WHEN rank > ranked - board_size THEN '黑榜' END AS board
FROM boards
ORDER BY period_kind, period, unit_kind, measure, rank, unit;
