"""ETL for the Qujing operations dashboard: inbox -> lake (Parquet) -> DuckDB warehouse."""
