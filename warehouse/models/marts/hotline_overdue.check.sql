-- Checks on hotline_overdue, run before the warehouse is served: any row returned fails the run.

-- check: hotline_overdue_adds_up
SELECT * FROM (
    SELECT (SELECT count(*) FROM hotline_overdue) AS listed, (SELECT count(*) FROM hotline_ticket WHERE overdue_open) AS overdue
)
WHERE listed <> overdue;
