-- Each ticket's problem: the word of its 诉求内容 that names it (etl/hot_topics.py chose it per export file: the
-- problem term of the highest priority in reference/hotline_terms.csv, else the rarest word), of its latest version.
-- A ticket whose content has no such word has no row.
--
-- columns:
--   ticket_id — 工单编号
--   month — first day of the month of receipt
--   county — the ticket's county
--   term — its problem
-- incremental: ticket_id
CREATE TABLE hotline_ticket_problem AS
SELECT t.ticket_id, t.month, t.county, v.term
FROM hotline_ticket t
JOIN hotline_problem_version v USING (ticket_id, source_file);
