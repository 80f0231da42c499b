CREATE TABLE indicator_actual AS
SELECT * FROM indicator_actual_version
QUALIFY row_number() OVER (PARTITION BY seq, county, period ORDER BY source_file DESC, source_row DESC) = 1;
