CREATE TABLE concession_enterprise_county AS
SELECT DISTINCT enterprise, unnest(counties) AS county FROM concession_sheet;
