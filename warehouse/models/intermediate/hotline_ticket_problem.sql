-- Each ticket's problem: one word of its 诉求内容 (etl/hot_topics.py cuts the words): its problem term of the highest
-- priority (reference/hotline_terms.csv), else its most specific word (raised by the fewest tickets, at least two). A
-- word in more than hot_generic_share of all tickets says nothing about the problem and is never chosen. A ticket
-- without such a word has no problem row.
--
-- columns:
--   ticket_id — 工单编号
--   month — first day of the month of receipt
--   county — the ticket's county
--   term — its problem
CREATE TABLE hotline_ticket_problem AS
WITH s AS (
    SELECT key, value FROM hotline_setting
), term AS (
    -- each ticket's latest version's terms
    SELECT DISTINCT t.ticket_id, t.month, t.county, v.term
    FROM hotline_ticket t
    JOIN hotline_term_version v USING (ticket_id, source_file)
), spread AS (
    SELECT term, count(*) AS raised_by FROM term GROUP BY term
), problem AS (
    SELECT t.ticket_id, t.month, t.county, t.term
    FROM term t
    JOIN spread d USING (term)
    LEFT JOIN hotline_term l ON l.term = t.term AND l.kind = 'problem'
    WHERE d.raised_by >= 2
      AND d.raised_by <= (SELECT value FROM s WHERE key = 'hot_generic_share') * (SELECT count(*) FROM hotline_ticket)
    QUALIFY row_number() OVER (PARTITION BY t.ticket_id ORDER BY l.priority NULLS LAST, d.raised_by, t.term) = 1
)
SELECT ticket_id, month, county, term FROM problem;
