"""The audit trail: logins, failed logins, logouts and downloads (who, when, what filter, row count).

Kept in SQLite (data/audit.sqlite or $DASHBOARD_AUDIT), not in the warehouse: the app opens the warehouse
read-only, and the audit must survive every publish."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import polars as pl

from warehouse.paths import DATA_DIR

SCHEMA = """CREATE TABLE IF NOT EXISTS audit (
    at TEXT NOT NULL, username TEXT, event TEXT NOT NULL, detail TEXT, row_count INTEGER, client TEXT);
CREATE TABLE IF NOT EXISTS sso_activity (identity TEXT PRIMARY KEY, last_seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS web_session (
    id TEXT PRIMARY KEY, username TEXT NOT NULL, stamp TEXT, last_seen REAL NOT NULL, handoff TEXT UNIQUE, handoff_until REAL)"""


# what each event means, as the audit page shows it
EVENT_ZH = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "登录被锁定",
    "login_refused": "未授权身份被拒",
    "logout": "退出",
    "session_expired": "超时退出",
    "session_revoked": "账户变更退出",
    "download": "下载",
}


def audit_file() -> Path:
    return Path(os.environ.get("DASHBOARD_AUDIT") or DATA_DIR / "audit.sqlite")


def connect() -> sqlite3.Connection:
    """The audit database, created readable by its owner only (it names users and what they downloaded)."""
    path = audit_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    con = sqlite3.connect(path, timeout=10)
    con.executescript(SCHEMA)
    if "client" not in {r[1] for r in con.execute("PRAGMA table_info(audit)")}:  # a file from before the client column
        con.execute("ALTER TABLE audit ADD COLUMN client TEXT")
    return con


def record(username: str | None, event: str, detail: str = "", row_count: int | None = None, client: str | None = None) -> None:
    with connect() as con:
        con.execute(
            "INSERT INTO audit (at, username, event, detail, row_count, client) VALUES (?, ?, ?, ?, ?, ?)",
            (dt.datetime.now().isoformat(timespec="seconds"), username, event, detail, row_count, client),
        )


def failures_since(since: dt.datetime, username: str | None = None, client: str | None = None) -> int:
    """Failed logins after `since` for a user name or a client address, not counting those before the user's
    last successful login (a good login clears the count)."""
    if not audit_file().exists():
        return 0
    with connect() as con:
        if username is not None:
            last_ok = con.execute("SELECT max(at) FROM audit WHERE event = 'login' AND username = ?", (username,)).fetchone()[0]
            start = max(since.isoformat(timespec="seconds"), last_ok or "")
            return con.execute(
                "SELECT count(*) FROM audit WHERE event = 'login_failed' AND username = ? AND at > ?", (username, start)
            ).fetchone()[0]
        return con.execute(
            "SELECT count(*) FROM audit WHERE event = 'login_failed' AND client = ? AND at > ?",
            (client, since.isoformat(timespec="seconds")),
        ).fetchone()[0]


def recent(limit: int = 500) -> pl.DataFrame:
    path = audit_file()
    schema = {"at": pl.Utf8, "username": pl.Utf8, "event": pl.Utf8, "detail": pl.Utf8, "row_count": pl.Int64, "client": pl.Utf8}
    if not path.exists():
        return pl.DataFrame(schema=schema)
    with connect() as con:
        rows = con.execute(
            "SELECT at, username, event, detail, row_count, client FROM audit ORDER BY at DESC, rowid DESC LIMIT ?", (limit,)
        ).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


# Single sign-on sessions live in the provider's signed cookie and survive a refresh, so their idle time is kept
# here, per identity, rather than in one browser session's state.
def sso_last_seen(identity: str) -> float | None:
    if not audit_file().exists():
        return None
    with connect() as con:
        row = con.execute("SELECT last_seen FROM sso_activity WHERE identity = ?", (identity,)).fetchone()
    return row[0] if row else None


def sso_touch(identity: str, now: float) -> None:
    with connect() as con:
        con.execute("INSERT OR REPLACE INTO sso_activity VALUES (?, ?)", (identity, now))


def sso_forget(identity: str) -> None:
    with connect() as con:
        con.execute("DELETE FROM sso_activity WHERE identity = ?", (identity,))
