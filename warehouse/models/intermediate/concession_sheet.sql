-- A sheet loaded again (same enterprise, period and type) from a later file replaces the earlier one.
CREATE TABLE concession_sheet AS
SELECT * FROM concession_sheet_version
QUALIFY row_number() OVER (PARTITION BY enterprise, period, assessment_type ORDER BY source_file DESC, source_row DESC) = 1;
