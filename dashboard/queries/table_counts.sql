-- scope: admin (operations data for administrators only)
-- the tables of the warehouse; their exact row counts: warehouse.contract.row_counts_sql
SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name
