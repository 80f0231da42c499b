-- Hotline KPIs in the filter scope, grouped by $by (all | month | county | department | category | channel | topic).
-- Definitions (DESIGN.md, 附件3): 办结率 = closed / received; 按期办结率 = closed within the maximum / closed;
-- 满意率 = (满意 + 基本满意) / visited; 回访率 = visited / closed; 签收及时率 over dispatched tickets whose signing is judged.
SELECT
    CASE $by WHEN 'month' THEN strftime(month, '%Y-%m') WHEN 'county' THEN county WHEN 'department' THEN department
             WHEN 'category' THEN category WHEN 'channel' THEN channel WHEN 'topic' THEN topic ELSE '全部' END AS dim,
    count(*) AS volume,
    100.0 * count(*) FILTER (WHERE answered_directly) / nullif(count(*), 0) AS direct_rate,
    100.0 * count(*) FILTER (WHERE sign_on_time) / nullif(count(sign_on_time), 0) AS sign_rate,
    100.0 * count(closed_at) / nullif(count(*), 0) AS close_rate,
    100.0 * count(*) FILTER (WHERE closed_on_time) / nullif(count(closed_at), 0) AS on_time_rate,
    count(*) FILTER (WHERE overdue_open) AS overdue_open,
    count(*) FILTER (WHERE closed_at IS NOT NULL AND NOT closed_on_time) AS late_closed,
    100.0 * count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意'))
        / nullif(count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意', '不满意')), 0) AS satisfaction_rate,
    100.0 * count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意', '不满意')) / nullif(count(closed_at), 0) AS visit_rate,
    avg(workdays_to_close) FILTER (WHERE NOT answered_directly) AS mean_workdays,
    100.0 * count(*) FILTER (WHERE repeat_caller) / nullif(count(*), 0) AS repeat_rate,
    bool_or(is_demo) AS has_demo
FROM hotline_scope($counties, $departments, $m_from, $m_to, $categories, $channels)
GROUP BY ALL
ORDER BY dim
