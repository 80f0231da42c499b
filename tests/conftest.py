"""Shared fixtures: the real gazette, and a warehouse built from it by the real ETL in a temp folder."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from etl.pipeline import run
from etl.sources.gazette import parse_gazette

ROOT = Path(__file__).resolve().parent.parent
GAZETTE = ROOT / "data" / "sources" / "qujing-gazette-2022-09.txt"
MINI_GAZETTE = Path(__file__).parent / "fixtures" / "qujing-gazette-2022-10-mini.txt"
KPI = Path(__file__).parent / "fixtures" / "hotline_kpi.csv"  # 7 hand-made tickets (tests/test_hotline.py)


@pytest.fixture(scope="session", autouse=True)
def _moved_clock():
    """TEST_CLOCK=2028-12-31 runs the whole suite with the clock moved (time-machine): nothing may depend on
    the day the tests run (`make test-future` does it for the last day the calendar must hold)."""
    when = os.environ.get("TEST_CLOCK")
    if not when:
        yield
        return
    import time_machine

    with time_machine.travel(dt.datetime.fromisoformat(when), tick=True):
        yield


@pytest.fixture(autouse=True)
def _no_real_users_or_audit(tmp_path_factory, monkeypatch):
    """Tests never read a developer's users file or write the real audit log."""
    root = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("DASHBOARD_USERS", str(root / "no-users.json"))
    monkeypatch.setenv("DASHBOARD_AUDIT", str(root / "audit.sqlite"))
    # nor write briefings into the project's data/outbox (the shipped schedule's relative outbox): a scheduled run in a
    # test makes last month's briefings
    import etl.brief_job

    monkeypatch.setattr(etl.brief_job, "PROJECT_ROOT", root)


@pytest.fixture(scope="session")
def gazette():
    return parse_gazette(GAZETTE)


def fetch(db_file: Path, sql: str, params: list | None = None) -> list[tuple]:
    """All rows of one query against a built warehouse, through a short-lived read-only connection."""
    import duckdb

    con = duckdb.connect(str(db_file), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def build_warehouse(root: Path, *sources: Path) -> tuple[Path, Path, Path]:
    """(inbox, db, lake) after one ETL run over the given files."""
    inbox, db, lake = root / "inbox", root / "warehouse.duckdb", root / "lake"
    inbox.mkdir(parents=True, exist_ok=True)
    for s in sources:
        shutil.copy2(s, inbox / s.name)
    run(inbox, db, lake)
    return inbox, db, lake


@pytest.fixture
def loaded(tmp_path) -> tuple[Path, Path, Path]:
    """(inbox, db, lake) after a run over the gazette and the 7 hand-made tickets; for the fault tests."""
    return build_warehouse(tmp_path, GAZETTE, KPI)


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Path:
    """A warehouse from the real gazette, shared read-only by the app tests."""
    _, db, _ = build_warehouse(tmp_path_factory.mktemp("wh"), GAZETTE)
    return db


PLANTED_DEMO = {"n": 3000, "seed": 5, "first": "2024-01", "last": "2024-06"}


@pytest.fixture(scope="session")
def planted_demo(tmp_path_factory):
    """(folder, generated tickets): the real ETL over 3,000 demo tickets of 2024-01 to 2024-06 with the events etl.demo
    PLANTED, the demo concession sheets and indicator actuals, and the gazette. Shared read-only (the alert and
    briefing tests); inbox/, lake/ and warehouse.duckdb in the folder."""
    from etl.demo import generate, write_concession_files, write_files, write_indicator_files

    root = tmp_path_factory.mktemp("planted")
    inbox = root / "inbox"
    write_files(inbox, **PLANTED_DEMO)
    write_concession_files(inbox, seed=PLANTED_DEMO["seed"])
    write_indicator_files(inbox, seed=PLANTED_DEMO["seed"])
    shutil.copy2(GAZETTE, inbox / GAZETTE.name)
    run(inbox, root / "warehouse.duckdb", root / "lake")
    return root, generate(**PLANTED_DEMO)[0]


@contextmanager
def serving(db_file: Path, monkeypatch):
    """Point the app at a warehouse file with empty caches, for AppTest."""
    import streamlit as st

    from dashboard import db

    monkeypatch.setenv("DASHBOARD_DB", str(db_file))
    monkeypatch.delenv("DASHBOARD_LAKE", raising=False)
    db.close()
    st.cache_data.clear()
    try:
        yield db_file
    finally:
        db.close()


@pytest.fixture
def app_env(warehouse, monkeypatch):
    with serving(warehouse, monkeypatch) as db_file:
        yield db_file
