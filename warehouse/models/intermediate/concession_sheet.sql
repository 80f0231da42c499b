-- A sheet loaded again (same enterprise, period and type) from a later file replaces the earlier one.
--
-- columns:
--   counties — list
--   period — `2024` or `2024Q1`
--   veto_nos — list
CREATE TABLE concession_sheet AS
SELECT * FROM concession_sheet_version
QUALIFY row_number() OVER (PARTITION BY enterprise, period, assessment_type ORDER BY source_file DESC, source_row DESC) = 1;
