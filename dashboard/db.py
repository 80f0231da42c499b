"""The app's one read-only connection to the warehouse, reopened when a new warehouse is published.

The ETL replaces the file with os.replace, so a new file has a new inode. DuckDB caches an open
database per path inside a process: all old connections must be closed before reconnecting, or the
reconnect returns the old data. Queries use a cursor per call (cursors are safe across threads);
a reconnect waits for the queries in flight.
"""

from __future__ import annotations

import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from warehouse.paths import db_path

warnings.filterwarnings("ignore", message="Arrow output on a DB-API result makes an extra copy", category=UserWarning)

# DuckDB's memory in the app process: uncapped, its cache of the blocks read grows toward 80% of the machine's memory
# (1.7 GB of app RSS on a 100 M-ticket warehouse, docs/PERFORMANCE.md). Beyond the cap it drops cached blocks, and a
# large sort (a download of many rows) spills to <warehouse>.tmp.
APP_MEMORY_LIMIT = os.environ.get("DASHBOARD_APP_MEMORY", "1GB")


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


# Queries in flight are counted; a reconnect waits until none is running, because DuckDB refuses to close
# a connection that is busy, and hands out the old database while any old connection stays open.
_cond = threading.Condition()
_state: dict[str, object] = {"version": None, "con": None, "active": 0, "reopening": False}


def current_version() -> Version:
    path = db_path()
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        raise WarehouseMissing(str(path)) from e
    return Version(str(Path(path).resolve()), st.st_ino, st.st_mtime_ns)


def _acquire() -> duckdb.DuckDBPyConnection:
    """A cursor on the current warehouse; the caller must _release() it."""
    version = current_version()
    with _cond:
        _cond.wait_for(lambda: not _state["reopening"])
        if _state["version"] != version:
            _state["reopening"] = True
            try:
                _cond.wait_for(lambda: _state["active"] == 0)
                if _state["con"] is not None:
                    _state["con"].close()
                _state["con"] = duckdb.connect(version.path, read_only=True)
                # set, not passed as config: a connection with another config to the same file in this process (a
                # test's, a tool's) would then be refused
                _state["con"].execute("SET memory_limit = ?", [APP_MEMORY_LIMIT])
                _state["version"] = version
            finally:
                _state["reopening"] = False
                _cond.notify_all()
        _state["active"] += 1
        try:
            return _state["con"].cursor()
        except BaseException:
            _state["active"] -= 1
            raise


def _release(cur: duckdb.DuckDBPyConnection) -> None:
    try:
        cur.close()
    finally:
        with _cond:
            _state["active"] -= 1
            _cond.notify_all()


def connection() -> tuple[duckdb.DuckDBPyConnection, Version]:
    """Opens (or reopens after a publish) the shared connection; raises WarehouseMissing when there is no file."""
    _release(_acquire())
    return _state["con"], _state["version"]


def query(sql: str, params: list | dict | None = None) -> pl.DataFrame:
    """Rows of one statement as a polars frame. execute() binds the statement once; the relation API
    (cur.sql(...).pl()) binds it a second time to describe the lazy relation, which cost 4–5 ms per page
    query (docs/PERFORMANCE.md). Its Arrow copy, which DuckDB warns about, is cheap on page-sized results."""
    cur = _acquire()
    try:
        return pl.from_arrow((cur.execute(sql, params) if params else cur.execute(sql)).to_arrow_table())
    finally:
        _release(cur)


def close() -> None:
    with _cond:
        _cond.wait_for(lambda: _state["active"] == 0)
        if _state["con"] is not None:
            _state["con"].close()
        _state.update(version=None, con=None)
