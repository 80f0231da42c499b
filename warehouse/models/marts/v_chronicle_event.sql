-- Events with their leaders and counties as lists, for display and download.
CREATE VIEW v_chronicle_event AS
SELECT e.event_id, e.issue, e.date_start, e.date_end, e.event_type, e.text,
       coalesce((SELECT list(l.leader ORDER BY l.leader) FROM chronicle_event_leader l WHERE l.event_id = e.event_id), []) AS leaders,
       coalesce((SELECT list(c.county ORDER BY c.county) FROM chronicle_event_county c WHERE c.event_id = e.event_id), []) AS counties,
       e.source_line
FROM chronicle_event e;
