-- Page aggregates, built once here so that a filter change reads thousands of rows, not millions.
-- Every figure of the hotline pages is a sum of these counts over the rows in the filter scope.
--
-- columns:
--   volume — tickets received
--   direct — tickets answered on the spot (当场答复)
--   signed_on_time — dispatched tickets signed within the signing window
--   sign_judged — dispatched tickets whose signing can be judged (sign_on_time not NULL)
--   closed — tickets closed
--   closed_on_time — tickets closed by their deadline (当场答复 included)
--   overdue_open — tickets open past their deadline at the cut-off
--   late_closed — tickets closed after their deadline
--   satisfied — tickets visited with 满意 or 基本满意
--   visited — tickets visited with 满意, 基本满意 or 不满意
--   workdays_sum — working days to close, summed over dispatched closed tickets
--   workdays_n — dispatched closed tickets (the divisor of workdays_sum)
--   repeat_callers — tickets whose caller had another ticket in the previous 30 days
--   provisional — tickets received or due in a provisional calendar year
--   has_demo — any demo ticket in the group
-- incremental: month, county, department, category, channel, topic
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
