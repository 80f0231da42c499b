-- Whether a row of a hotline table (hotline_cube, hotline_close_days, hotline_overdue, hotline_ticket: any with
-- county, department, month, category and channel) is in a filter scope; an empty list means no filter on that
-- field. A predicate rather than a table macro: DuckDB pushes its conditions into the scan all the same.
CREATE MACRO hotline_in_scope(counties, departments, m_from, m_to, categories, channels) AS
    (len(counties) = 0 OR list_contains(counties, county))
    AND (len(departments) = 0 OR list_contains(departments, department))
    AND month BETWEEN m_from AND m_to
    AND (len(categories) = 0 OR list_contains(categories, category))
    AND (len(channels) = 0 OR list_contains(channels, channel));
