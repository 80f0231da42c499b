"""Settings of the ETL run. Paths shared with the app live in warehouse.paths, the schema version in
warehouse.contract."""

from __future__ import annotations

import datetime as dt
import os

# The calendar table starts here (the earliest receipt accepted) and runs to the end of the year after the later
# of the latest receipt and the run's time (calendar_end), so deadlines that cross a new year always find their
# working days; nothing about it is fixed to a date.
CALENDAR_START = "2020-01-01"


def calendar_end(latest_receipt: dt.datetime | dt.date | None, run_time: dt.datetime) -> dt.date:
    """31 December of the year after the later of the latest receipt and the run's time."""
    year = max(latest_receipt.year if latest_receipt else run_time.year, run_time.year)
    return dt.date(year + 1, 12, 31)


# DuckDB's memory cap while the ETL builds a warehouse (it spills to a temporary folder beyond it);
# with polars' share this keeps an ETL run under 4 GB (issue 7). DASHBOARD_ETL_MEMORY overrides it.
ETL_MEMORY_LIMIT = os.environ.get("DASHBOARD_ETL_MEMORY", "2GB")


def keep_spare() -> bool:
    """Whether a run leaves a spare copy of the warehouse it published, for the next run's incremental publish to patch
    (etl.publish.make_spare): on unless DASHBOARD_ETL_SPARE=0 (it keeps a second warehouse-sized file on disk)."""
    return os.environ.get("DASHBOARD_ETL_SPARE", "1") != "0"
