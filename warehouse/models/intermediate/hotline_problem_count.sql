-- Tickets per month, county and problem (hotline_ticket_problem), from which hot_problem ranks 热点诉求.
--
-- columns:
--   month — first day of the month of receipt
--   county — the tickets' county (NULL when not given)
--   term — the problem
--   tickets — tickets of the month and county whose problem is the term
-- incremental: month, county
CREATE TABLE hotline_problem_count AS
SELECT month, county, term, count(*) AS tickets
FROM hotline_ticket_problem
GROUP BY ALL;
