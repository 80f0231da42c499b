-- scope: public (published or reference data, the same for every role)
SELECT a.alias, c.county_name FROM county_alias a JOIN county c USING (county_key) WHERE NOT c.is_city_total
