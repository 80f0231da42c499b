-- Checks on hotline_cube, run before the warehouse is served: any row returned fails the run.

-- check: hotline_cube_adds_up
SELECT * FROM (
    SELECT (SELECT coalesce(sum(volume), 0) FROM hotline_cube) AS counted, (SELECT count(*) FROM hotline_ticket) AS tickets
)
WHERE counted <> tickets;
