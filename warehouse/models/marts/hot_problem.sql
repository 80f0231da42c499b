-- 热点诉求: each month's problems (hotline_ticket_problem) for the whole city (county NULL) and each county. Per month
-- and scope: the tickets, their share, the previous three months, and whether the problem is rising (hotline_setting:
-- at least hot_min_tickets, and a share hot_rising_ratio times that of the previous three months, with at least
-- hot_min_history months before). Kept: the hot_top_n most raised in each month and scope, and every rising one.
--
-- columns:
--   month — first day of the month of receipt
--   county — the county; NULL for the whole city
--   term — the problem: a word of the content
--   tickets — tickets of the month and scope whose problem it is
--   share — tickets ÷ all tickets of the month and scope, in %
--   prev3_mean — mean monthly tickets with the term over the three previous months (0 for a month without)
--   prev3_share — its share of all tickets of the scope over those months, in %
--   history_months — months with tickets before this one in the scope (at most 3 are averaged)
--   rising — tickets ≥ hot_min_tickets, and its share ≥ hot_rising_ratio × prev3_share (a share, so that a month of
--     more tickets overall, by season or growth, lifts no problem), with hot_min_history months before
--   rank — 1 = the most raised in the month and scope
CREATE TABLE hot_problem AS
WITH s AS (
    SELECT key, value FROM hotline_setting
), counted AS (
    SELECT month, county, term, sum(tickets)::BIGINT AS tickets
    FROM hotline_problem_count
    GROUP BY GROUPING SETS ((month, county, term), (month, term))
    HAVING county IS NOT NULL OR grouping(county) = 1
), scope_month AS (
    SELECT month, county, sum(volume)::BIGINT AS total FROM hotline_cube GROUP BY GROUPING SETS ((month, county), (month))
    HAVING county IS NOT NULL OR grouping(county) = 1
), months AS (
    SELECT DISTINCT month FROM hotline_cube
), grid AS (
    -- every month of every (scope, term) series from its first, a month without the term counted 0
    SELECT k.county, k.term, m.month, coalesce(c.tickets, 0) AS tickets, sm.total
    FROM (SELECT county, term, min(month) AS first FROM counted GROUP BY ALL) k
    JOIN months m ON m.month >= k.first
    JOIN scope_month sm ON sm.month = m.month AND sm.county IS NOT DISTINCT FROM k.county
    LEFT JOIN counted c ON c.county IS NOT DISTINCT FROM k.county AND c.term = k.term AND c.month = m.month
), history AS (
    SELECT g.*,
           coalesce(sum(tickets) OVER w / 3.0, 0) AS prev3_mean,
           coalesce(sum(tickets) OVER w / nullif(sum(total) OVER w, 0), 0) AS prev3_share,
           (SELECT count(*) FROM months p WHERE p.month < g.month) AS history_months
    FROM grid g
    WINDOW w AS (PARTITION BY county, term ORDER BY month RANGE BETWEEN INTERVAL 3 MONTH PRECEDING AND INTERVAL 1 MONTH PRECEDING)
), judged AS (
    SELECT h.month, h.county, h.term, h.tickets, round(100.0 * h.tickets / h.total, 1) AS share,
           round(h.prev3_mean, 1) AS prev3_mean, round(100.0 * h.prev3_share, 1) AS prev3_share, h.history_months,
           h.history_months >= (SELECT value FROM s WHERE key = 'hot_min_history')
             AND h.tickets >= (SELECT value FROM s WHERE key = 'hot_min_tickets')
             AND h.tickets >= (SELECT value FROM s WHERE key = 'hot_rising_ratio') * h.prev3_share * h.total AS rising,
           rank() OVER (PARTITION BY h.month, h.county ORDER BY h.tickets DESC, h.term) AS rank
    FROM history h
    WHERE h.tickets > 0
)
SELECT month, county, term, tickets, share, prev3_mean, prev3_share, history_months, rising, rank::INTEGER AS rank
FROM judged
WHERE rank <= (SELECT value FROM s WHERE key = 'hot_top_n') OR rising
ORDER BY month, county NULLS FIRST, rank;
