"""Fixtures shared by the browser tests: one demo warehouse, one app server and one Chromium per session."""

from __future__ import annotations

import shutil

import pytest

from tests.browser.test_browser import ARGS, CHROMIUM, serve_app
from tests.conftest import GAZETTE


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    from etl.demo import write_concession_files, write_files, write_indicator_files
    from etl.pipeline import run

    root = tmp_path_factory.mktemp("e2e")
    inbox = root / "inbox"
    write_files(inbox, n=3000, seed=5, first="2024-01", last="2024-06")
    write_concession_files(inbox, seed=5)
    write_indicator_files(inbox, seed=5)
    shutil.copy2(GAZETTE, inbox / GAZETTE.name)
    db = root / "warehouse.duckdb"
    run(inbox, db, root / "lake")
    return db


@pytest.fixture(scope="session")
def app_url(demo_db):
    with serve_app({"DASHBOARD_DB": str(demo_db)}) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1200}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()
