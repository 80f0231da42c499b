-- scope: public (published or reference data, the same for every role)
-- The counties and departments an account may be confined to (the users CLI checks --county and --department).
SELECT 'county' AS kind, county_name AS value FROM county WHERE NOT is_city_total
UNION ALL
SELECT 'department', department FROM department
ORDER BY kind, value
