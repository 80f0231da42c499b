"""Where things live. Environment variables override the defaults; CLI flags override both."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
WAREHOUSE_DIR = PROJECT_ROOT / "warehouse"
REFERENCE_DIR = WAREHOUSE_DIR / "reference"
SHIPPED_SOURCES = DATA_DIR / "sources"
SCHEDULE_FILE = PROJECT_ROOT / "etl" / "schedule.toml"


def db_path(override: str | os.PathLike | None = None) -> Path:
    return Path(override or os.environ.get("DASHBOARD_DB") or DATA_DIR / "warehouse.duckdb")


def inbox_path(override: str | os.PathLike | None = None) -> Path:
    return Path(override or os.environ.get("DASHBOARD_INBOX") or DATA_DIR / "inbox")


def lake_path(db_file: Path, override: str | os.PathLike | None = None) -> Path:
    """The lake sits beside the warehouse file unless DASHBOARD_LAKE (or --lake) names another folder."""
    return Path(override or os.environ.get("DASHBOARD_LAKE") or Path(db_file).parent / "lake")
