"""The app's one read-only connection to the warehouse, reopened when a new warehouse is published.

The ETL replaces the file with os.replace, so a new file has a new inode. DuckDB caches an open
database per path inside a process: all old connections must be closed before reconnecting, or the
reconnect returns the old data. Queries use a cursor per call (cursors are safe across threads).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from etl.config import db_path


class WarehouseMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Version:
    path: str
    inode: int
    mtime_ns: int

    @property
    def key(self) -> str:
        return f"{self.path}:{self.inode}:{self.mtime_ns}"


_lock = threading.Lock()
_state: dict[str, object] = {"version": None, "con": None}


def current_version() -> Version:
    path = db_path()
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        raise WarehouseMissing(str(path)) from e
    return Version(str(Path(path).resolve()), st.st_ino, st.st_mtime_ns)


def connection() -> tuple[duckdb.DuckDBPyConnection, Version]:
    version = current_version()
    with _lock:
        if _state["version"] != version:
            old = _state["con"]
            if old is not None:
                old.close()
            _state["con"] = duckdb.connect(version.path, read_only=True)
            _state["version"] = version
        return _state["con"], version


def query(sql: str, params: list | dict | None = None) -> pl.DataFrame:
    con, _ = connection()
    cur = con.cursor()
    try:
        return cur.sql(sql, params=params).pl() if params else cur.sql(sql).pl()
    finally:
        cur.close()


def close() -> None:
    with _lock:
        if _state["con"] is not None:
            _state["con"].close()
        _state.update(version=None, con=None)
