-- scope: public (published or reference data, the same for every role)
-- Choices for the chronicle filters: leaders by number of events, then the date span.
SELECT 'leader' AS kind, leader AS value, max(title) AS label, sum(events) AS n FROM chronicle_leader GROUP BY leader
UNION ALL
SELECT 'type', event_type, NULL, count(*) FROM chronicle_event GROUP BY event_type
UNION ALL
SELECT 'county', c.county_name, NULL, c.sort_order FROM county c WHERE NOT c.is_city_total
ORDER BY kind, n DESC, value
