-- Page aggregates, built once here so that a filter change reads thousands of rows, not millions.
-- Every figure of the hotline pages is a sum of these counts over the rows in the filter scope.
CREATE TABLE hotline_cube AS
SELECT month, county, department, category, channel, topic,
       count(*) AS volume,
       count(*) FILTER (WHERE answered_directly) AS direct,
       count(*) FILTER (WHERE sign_on_time) AS signed_on_time,
       count(sign_on_time) AS sign_judged,
       count(closed_at) AS closed,
       count(*) FILTER (WHERE closed_on_time) AS closed_on_time,
       count(*) FILTER (WHERE overdue_open) AS overdue_open,
       count(*) FILTER (WHERE closed_at IS NOT NULL AND NOT closed_on_time) AS late_closed,
       count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意')) AS satisfied,
       count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意', '不满意')) AS visited,
       coalesce(sum(workdays_to_close) FILTER (WHERE NOT answered_directly), 0)::BIGINT AS workdays_sum,
       count(workdays_to_close) FILTER (WHERE NOT answered_directly) AS workdays_n,
       count(*) FILTER (WHERE repeat_caller) AS repeat_callers,
       count(*) FILTER (WHERE calendar_provisional) AS provisional,
       bool_or(is_demo) AS has_demo
FROM hotline_ticket
GROUP BY ALL
ORDER BY month, county;
