"""Where things live. Environment variables override the defaults; CLI flags override both."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
WAREHOUSE_DIR = PROJECT_ROOT / "warehouse"
REFERENCE_DIR = WAREHOUSE_DIR / "reference"
SHIPPED_SOURCES = DATA_DIR / "sources"

# The calendar table starts here (the earliest receipt accepted) and runs to the end of the year after the later
# of the latest receipt and the run's time (calendar_end), so deadlines that cross a new year always find their
# working days; nothing about it is fixed to a date.
CALENDAR_START = "2020-01-01"


def calendar_end(latest_receipt: dt.datetime | dt.date | None, run_time: dt.datetime) -> dt.date:
    """31 December of the year after the later of the latest receipt and the run's time."""
    year = max(latest_receipt.year if latest_receipt else run_time.year, run_time.year)
    return dt.date(year + 1, 12, 31)


# The warehouse's structure version, written into warehouse_info at publish. The app refuses a warehouse of
# another version with a message to run the ETL (after an upgrade the old file lacks new tables and macros).
# 2: caller_hash as UBIGINT, page aggregates (hotline_cube …), hotline_in_scope.
# 3: calendar.is_provisional, hotline_ticket.calendar_provisional, hotline_cube.provisional.
WAREHOUSE_SCHEMA_VERSION = "3"

# DuckDB's memory cap while the ETL builds a warehouse (it spills to a temporary folder beyond it);
# with polars' share this keeps an ETL run under 4 GB (issue 7). DASHBOARD_ETL_MEMORY overrides it.
ETL_MEMORY_LIMIT = os.environ.get("DASHBOARD_ETL_MEMORY", "2GB")


def db_path(override: str | os.PathLike | None = None) -> Path:
    return Path(override or os.environ.get("DASHBOARD_DB") or DATA_DIR / "warehouse.duckdb")


def inbox_path(override: str | os.PathLike | None = None) -> Path:
    return Path(override or os.environ.get("DASHBOARD_INBOX") or DATA_DIR / "inbox")


def lake_path(db_file: Path, override: str | os.PathLike | None = None) -> Path:
    """The lake sits beside the warehouse file unless DASHBOARD_LAKE (or --lake) names another folder."""
    return Path(override or os.environ.get("DASHBOARD_LAKE") or Path(db_file).parent / "lake")
