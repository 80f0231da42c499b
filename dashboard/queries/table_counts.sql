-- scope: admin (operations data for administrators only)
SELECT table_name, estimated_size AS row_count
FROM duckdb_tables()
ORDER BY table_name
