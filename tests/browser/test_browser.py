"""End-to-end tests in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no browser
download). The app runs on 127.0.0.1 against a warehouse built from the gazette and demo data.

Without Chromium these tests are skipped with a message; with BROWSER_TESTS_REQUIRED=1 (set by .ci/run)
a missing browser is a failure. Screenshots go to tests/artifacts/ (or SCREENSHOT_DIR)."""

from __future__ import annotations

import csv
import io
import os
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.browser import ARM, CHROMIUM, CHROMIUM_ARGS, HOLD_MS, OBSERVE, RUN_WAIT_MS, SETTLED, serve
from tests.conftest import ROOT

ARGS = CHROMIUM_ARGS
PAGES = {
    "overview": "",
    "county": "county",
    "alerts": "alerts",
    "plan": "plan",
    "hotline": "hotline",
    "concession": "concession",
    "chronicle": "chronicle",
    "status": "status",
}
ARTIFACTS = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "tests" / "artifacts")


def _browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return "Chromium is not installed (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


missing = _browser_missing()
if missing and os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
    pytest.fail(f"browser tests required but {missing}", pytrace=False)
pytestmark = pytest.mark.skipif(missing is not None, reason=f"browser tests skipped: {missing}")


@contextmanager
def serve_app(env: dict[str, str], port: int | None = None, args: tuple[str, ...] = ()):
    """The app (bench.browser.serve: `streamlit run dashboard/server.py` on 127.0.0.1) with these environment variables;
    yields its URL once healthy."""
    try:
        with serve(env, port, args) as (url, _):
            yield url
    except TimeoutError as e:
        pytest.fail(str(e))


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1", timeout=30_000)  # Streamlit renders over a websocket after load
    page.wait_for_selector("[data-testid=stMetricValue], [data-testid=stDataFrame], [data-testid=stAlert]", timeout=30_000)
    # the script has finished: no element still waiting for its first draw, no "running" indicator
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]') && !document.querySelector('[data-testid=stStatusWidget]')",
        timeout=60_000,
    )
    page.wait_for_timeout(1000)


def _filter_line(page) -> str:
    return page.locator("p", has_text="当前筛选：").first.inner_text()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_opens(app_url, page, name):
    _open(page, f"{app_url}/{PAGES[name]}")
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stSidebarNav]").inner_text().count("\n") >= 5  # 总览 … 数据状态
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_a_fresh_servers_first_visitor_on_a_page_link_gets_the_app(demo_db, page):
    """The entry script has no pages/ folder beside it, so Streamlit's old multipage mode (a page run alone:
    no page config, file names as navigation) never applies, without touching Streamlit's internals."""
    assert not (ROOT / "dashboard" / "pages").exists()
    with serve_app({"DASHBOARD_DB": str(demo_db)}) as url:
        _open(page, f"{url}/chronicle")
        assert page.locator("h1", has_text="大事记").count() == 1
        nav = page.locator("[data-testid=stSidebarNav]").inner_text()
        assert "总览" in nav and "chronicle" not in nav


def _settled(page) -> None:
    """Streamlit has finished the rerun: no running indicator, no element waiting for its first draw. Only for a rerun
    already seen to start; after an action, `_after` waits for the rerun that action causes."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]') && !document.querySelector('[data-testid=stStatusWidget]')"
        " && document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=60_000,
    )
    page.wait_for_timeout(700)


def _after(page, action) -> None:
    """Do the action (a click, a key) and wait, as the benchmark does, until the rerun it caused has ended and every
    chart in view has drawn. Waiting a fixed time instead failed on a loaded CI machine: the rerun had not yet begun
    when the wait ended, and the test read the tab as it was before the click."""
    page.evaluate("() => { if (!window.__observing) { window.__observing = true; " + OBSERVE.replace("\n", " ") + " } }")
    page.evaluate(ARM)
    action()
    page.wait_for_function(SETTLED, arg=[RUN_WAIT_MS, HOLD_MS], timeout=60_000, polling="raf")


def _pick(page, label: str, option: str) -> None:
    page.locator("[data-testid=stMultiSelect]").filter(has_text=label).locator("input").click()
    _after(page, lambda: page.get_by_role("option", name=option, exact=True).click())
    page.keyboard.press("Escape")


def test_filter_changes_the_page_and_the_url(app_url, page):
    _open(page, f"{app_url}/hotline")
    before = page.locator("[data-testid=stMetricValue]").all_inner_texts()
    _pick(page, "区县", "宣威市")
    after = page.locator("[data-testid=stMetricValue]").all_inner_texts()
    assert before != after
    assert "county=" in page.url and "宣威市" in urllib.request.unquote(page.url)
    assert "宣威市" in _filter_line(page)


def test_copied_link_opens_the_same_view(app_url, browser):
    link = f"{app_url}/hotline?county=%E5%AE%A3%E5%A8%81%E5%B8%82&from=2024-02&to=2024-04"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        _open(page, link)
        assert "宣威市 · 2024-02 至 2024-04" in _filter_line(page)
        assert page.locator("[data-testid=stException]").count() == 0
        # an unknown value in a link is ignored with a note, never an exception
        _open(page, f"{app_url}/chronicle?county=%E7%81%AB%E6%98%9F&from=2022-08&to=2022-08")
        assert "火星" in page.locator("[data-testid=stSidebar]").inner_text()
        assert page.locator("[data-testid=stException]").count() == 0
    finally:
        context.close()


def test_csv_download_has_bom_and_the_rows_on_screen(app_url, page, tmp_path):
    _open(page, f"{app_url}/chronicle?from=2022-08&to=2022-08")
    _pick(page, "区县", "罗平县")
    shown = page.locator("[data-testid=stMetricValue]").first.inner_text()
    with page.expect_download() as d:
        page.locator("button:visible", has_text="下载 CSV").first.click()
    target = tmp_path / d.value.suggested_filename
    d.value.save_as(target)
    raw = target.read_bytes()
    assert raw[:3] == b"\xef\xbb\xbf"
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))
    assert shown == f"{len(rows)} 条" == "6 条"
    assert all("罗平县" in r["区县"] for r in rows)
    assert "罗平县" in d.value.suggested_filename


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)], ids=["desk", "phone"])
def test_table_toolbar_offers_no_download(app_url, browser, viewport):
    """Issue 11 #15: the dataframe toolbar's own CSV download would skip the audit and the formula
    neutralisation; only the page's 下载 buttons are offered."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True)
    page = context.new_page()
    try:
        _open(page, f"{app_url}/chronicle?from=2022-08&to=2022-08")
        table = page.locator("[data-testid=stDataFrame]").first
        table.scroll_into_view_if_needed()
        table.hover()
        page.wait_for_timeout(800)
        toolbar = page.locator("[data-testid=stElementToolbar]").first
        assert toolbar.count() == 1 and toolbar.locator("button").count() >= 1  # the toolbar is there (search, fullscreen)
        assert page.get_by_role("button", name="Download as CSV").count() == 0
        assert page.locator("button:visible", has_text="下载 CSV").count() >= 1
    finally:
        context.close()
