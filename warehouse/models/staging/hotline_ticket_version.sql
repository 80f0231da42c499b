-- The lake's tickets (src_hotline_ticket: every loaded row, read where it lies) into hotline_ticket_version.
-- Tickets that came in more than one export keep all their versions here; a ticket exported once is
-- only in hotline_ticket (with its source_file), so ten million rows are written once, not twice.
-- incremental: ticket_id
CREATE TEMP TABLE hotline_reexported AS
SELECT ticket_id FROM src_hotline_ticket GROUP BY ticket_id HAVING count(*) > 1;

INSERT INTO hotline_ticket_version BY NAME
SELECT * FROM src_hotline_ticket SEMI JOIN hotline_reexported USING (ticket_id);
