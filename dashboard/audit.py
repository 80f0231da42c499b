"""The audit trail: logins, failed logins, logouts and downloads (who, when, what filter, row count).

Kept in SQLite (data/audit.sqlite or $DASHBOARD_AUDIT), not in the warehouse: the app opens the warehouse
read-only, and the audit must survive every publish."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import polars as pl

from etl.config import DATA_DIR

SCHEMA = """CREATE TABLE IF NOT EXISTS audit (
    at TEXT NOT NULL, username TEXT, event TEXT NOT NULL, detail TEXT, row_count INTEGER)"""


def audit_file() -> Path:
    return Path(os.environ.get("DASHBOARD_AUDIT") or DATA_DIR / "audit.sqlite")


def record(username: str | None, event: str, detail: str = "", row_count: int | None = None) -> None:
    path = audit_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path, timeout=10) as con:
        con.execute(SCHEMA)
        con.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?)",
            (dt.datetime.now().isoformat(timespec="seconds"), username, event, detail, row_count),
        )


def recent(limit: int = 500) -> pl.DataFrame:
    path = audit_file()
    schema = {"at": pl.Utf8, "username": pl.Utf8, "event": pl.Utf8, "detail": pl.Utf8, "row_count": pl.Int64}
    if not path.exists():
        return pl.DataFrame(schema=schema)
    with sqlite3.connect(path, timeout=10) as con:
        con.execute(SCHEMA)
        rows = con.execute(
            "SELECT at, username, event, detail, row_count FROM audit ORDER BY at DESC, rowid DESC LIMIT ?", (limit,)
        ).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")
