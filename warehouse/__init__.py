"""The contract between the ETL and the app: where things live, the warehouse's schema version and table
contracts, the reference tables, the run log and the scheduler's recorded state. Both sides import this
package; the app never imports `etl` (tests/test_layout.py)."""
