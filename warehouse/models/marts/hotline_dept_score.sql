-- The data-derived part of 附件3: 100 − 0.5 per ticket closed late − 1 per ticket open past its deadline
-- + 5 per quarter in which every ticket the department received (at least one) closed on time; tickets
-- count in the year and quarter of receipt; never below 0.
--
-- columns:
--   score — 100 − 0.5 × late_closed − 1 × overdue_open + 5 × full_quarters, floor 0
--   late_closed — tickets closed after `deadline_at`
--   overdue_open — tickets open past `deadline_at` at the cut-off
--   full_quarters — quarters with at least one ticket received and every one closed on time
--   received — tickets received in the year
CREATE TABLE hotline_dept_score AS
WITH s AS (SELECT key, value FROM hotline_setting),
q AS (
    SELECT department, year(received_at) AS year, quarter(received_at) AS quarter,
           count(*) AS received,
           count(*) FILTER (WHERE closed_on_time) AS on_time,
           count(*) FILTER (WHERE closed_at IS NOT NULL AND NOT closed_on_time) AS late_closed,
           count(*) FILTER (WHERE overdue_open) AS overdue_open
    FROM hotline_ticket
    WHERE department IS NOT NULL
    GROUP BY ALL
)
SELECT department, year,
       greatest(0, (SELECT value FROM s WHERE key = 'score_base')
                   - (SELECT value FROM s WHERE key = 'late_closed_penalty') * sum(late_closed)
                   - (SELECT value FROM s WHERE key = 'overdue_open_penalty') * sum(overdue_open)
                   + (SELECT value FROM s WHERE key = 'full_quarter_bonus') * count(*) FILTER (WHERE received > 0 AND on_time = received)
       ) AS score,
       sum(late_closed)::BIGINT AS late_closed,
       sum(overdue_open)::BIGINT AS overdue_open,
       count(*) FILTER (WHERE received > 0 AND on_time = received) AS full_quarters,
       sum(received)::BIGINT AS received
FROM q
GROUP BY ALL
ORDER BY department, year;
