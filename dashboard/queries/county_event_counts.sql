SELECT c.county_name AS county, c.sort_order, count(ec.event_id) AS events
FROM county c LEFT JOIN chronicle_event_county ec ON ec.county = c.county_name
WHERE NOT c.is_city_total
GROUP BY ALL ORDER BY events DESC, sort_order
