"""The warehouse's version and its table contracts.

The tables are declared once, in warehouse/schema.sql (each column with its type and, after `--`, what it
means); `tables()` reads that file, warehouse/README.md's table reference is generated from it
(`python -m warehouse.contract > …` is not needed: tests/test_contract.py checks the README and the
extractors' polars schemas against it)."""

from __future__ import annotations

# The warehouse's structure version, written into warehouse_info at publish. The app refuses a warehouse of
# another version with a message to run the ETL (after an upgrade the old file lacks new tables and macros).
# 2: caller_hash as UBIGINT, page aggregates (hotline_cube …), hotline_in_scope.
# 3: calendar.is_provisional, hotline_ticket.calendar_provisional, hotline_cube.provisional.
# 4: concession_setting (pass mark and rectification months from reference/concession_settings.csv).
WAREHOUSE_SCHEMA_VERSION = "4"
