-- Analysis views, rebuilt with every warehouse.

-- Investment without the printed totals: one row per category × funding source × table, the parts only.
-- Sum these to get totals that add up; compare with plan_investment's printed 合计 via dq_finding.
CREATE VIEW v_plan_investment_detail AS
SELECT issue, column_no, year, period_start, period_end, category_no, category, source, amount_wan
FROM plan_investment
WHERE category <> '合计' AND source <> '合计';

-- Events with their leaders and counties as lists, for display and download.
CREATE VIEW v_chronicle_event AS
SELECT e.event_id, e.issue, e.date_start, e.date_end, e.event_type, e.text,
       coalesce((SELECT list(l.leader ORDER BY l.leader) FROM chronicle_event_leader l WHERE l.event_id = e.event_id), []) AS leaders,
       coalesce((SELECT list(c.county ORDER BY c.county) FROM chronicle_event_county c WHERE c.event_id = e.event_id), []) AS counties,
       e.source_line
FROM chronicle_event e;

-- The newest data date per domain, for the freshness line.
CREATE VIEW v_freshness AS
SELECT '大事记' AS domain, max(date_end) AS latest_date, count(*) AS row_count FROM chronicle_event
UNION ALL
SELECT '公报文件', max(issued_on), count(*) FROM gazette_document
UNION ALL
SELECT '规划指标', NULL, count(*) FROM plan_indicator;

-- Whether a row of a hotline table (hotline_cube, hotline_close_days, hotline_overdue, hotline_ticket: any with
-- county, department, month, category and channel) is in a filter scope; an empty list means no filter on that
-- field. A predicate rather than a table macro: DuckDB pushes its conditions into the scan all the same.
CREATE MACRO hotline_in_scope(counties, departments, m_from, m_to, categories, channels) AS
    (len(counties) = 0 OR list_contains(counties, county))
    AND (len(departments) = 0 OR list_contains(departments, department))
    AND month BETWEEN m_from AND m_to
    AND (len(categories) = 0 OR list_contains(categories, category))
    AND (len(channels) = 0 OR list_contains(channels, channel));

-- The plan a page shows: the one asked for, else the latest (the plan with the latest target year).
CREATE MACRO plan_or_latest(asked) AS coalesce(asked, (SELECT doc_no FROM plan_catalog ORDER BY target_year DESC, issue DESC LIMIT 1));
