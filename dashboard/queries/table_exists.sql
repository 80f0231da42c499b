-- scope: public (whether a table exists: the navigation lists a page only when its data does)
SELECT count(*) > 0 AS present FROM duckdb_tables() WHERE table_name = $table
