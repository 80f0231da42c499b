-- scope: public (published or reference data, the same for every role)
-- Choices for the hotline filters, with their ticket counts (hotline_choice is built at publish).
SELECT kind, value, n FROM hotline_choice
UNION ALL SELECT 'county', county_name, -sort_order FROM county WHERE NOT is_city_total
ORDER BY kind, n DESC, value
