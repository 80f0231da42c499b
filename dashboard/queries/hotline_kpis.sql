-- scope: county, department (12345 tickets: narrowed to a county account's county and a department account's department)
-- Hotline KPIs in the filter scope, grouped by $by (all | month | county | department | category | channel | topic),
-- summed from the page aggregate hotline_cube (warehouse/hotline.sql) rather than counted over the tickets.
-- Definitions (DESIGN.md, 附件3): 办结率 = closed / due (应办结件: closed, or open past the deadline at the cut-off;
-- an open ticket still within its time limit is 在办, not a failure); 按期办结率 = closed within the maximum / closed;
-- 满意率 = (满意 + 基本满意) / visited; 回访率 = visited / closed; 签收及时率 over dispatched tickets whose signing is judged.
SELECT
    CASE $by WHEN 'month' THEN strftime(month, '%Y-%m') WHEN 'county' THEN county WHEN 'department' THEN department
             WHEN 'category' THEN category WHEN 'channel' THEN channel WHEN 'topic' THEN topic ELSE '全部' END AS dim,
    sum(volume)::BIGINT AS volume,
    100.0 * sum(direct) / nullif(sum(volume), 0) AS direct_rate,
    100.0 * sum(signed_on_time) / nullif(sum(sign_judged), 0) AS sign_rate,
    (sum(closed) + sum(overdue_open))::BIGINT AS due,
    (sum(volume) - sum(closed) - sum(overdue_open))::BIGINT AS in_progress,
    100.0 * sum(closed) / nullif(sum(closed) + sum(overdue_open), 0) AS close_rate,
    100.0 * sum(closed_on_time) / nullif(sum(closed), 0) AS on_time_rate,
    sum(overdue_open)::BIGINT AS overdue_open,
    sum(late_closed)::BIGINT AS late_closed,
    100.0 * sum(satisfied) / nullif(sum(visited), 0) AS satisfaction_rate,
    100.0 * sum(visited) / nullif(sum(closed), 0) AS visit_rate,
    sum(workdays_sum) / nullif(sum(workdays_n), 0) AS mean_workdays,
    100.0 * sum(repeat_callers) / nullif(sum(volume), 0) AS repeat_rate,
    sum(provisional)::BIGINT AS provisional,
    bool_or(has_demo) AS has_demo
FROM hotline_cube
WHERE hotline_in_scope($counties, $departments, $m_from, $m_to, $categories, $channels)
GROUP BY ALL
ORDER BY dim
