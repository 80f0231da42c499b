"""Password logins in headless Chromium at desk and phone size (issue 14): a forwarded link opened while logged out
lands, after the login, on the linked page with its filters; a refresh (F5) keeps the session through its signed,
HttpOnly cookie; logout ends it; an idle session expires."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.browser.test_browser import ARTIFACTS, _open, missing, serve_app

pytestmark = pytest.mark.skipif(missing is not None, reason=f"browser tests skipped: {missing}")
PASSWORD = "right password"


@pytest.fixture(scope="module")
def password_app(demo_db, tmp_path_factory):
    from dashboard.auth import hash_password, save_users

    root = tmp_path_factory.mktemp("pw")
    users = root / "users.json"
    save_users(
        {"zhao": {"name": "赵市长", "role": "市级领导", "county": None, "department": None, "password_hash": hash_password(PASSWORD)}},
        users,
    )
    env = {"DASHBOARD_DB": str(demo_db), "DASHBOARD_USERS": str(users), "DASHBOARD_AUDIT": str(root / "audit.sqlite")}
    with serve_app(env) as url:
        yield url, root


def _log_in(page) -> None:
    page.wait_for_selector("text=用户名", timeout=30_000)
    page.get_by_label("用户名").fill("zhao")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)], ids=["desk", "phone"])
def test_a_link_survives_the_login_and_the_session_a_refresh(password_app, browser, viewport):
    url, root = password_app
    link = f"{url}/hotline?" + urllib.parse.urlencode({"county": "宣威市", "from": "2024-02", "to": "2024-05", "hl_categories": "投诉"})
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(link)
        assert "Page not found" not in page.content()
        _log_in(page)
        page.wait_for_selector("[data-testid=stSidebar] button:has-text('退出登录')", state="attached", timeout=30_000)
        _open(page, page.url)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))
        assert (query["county"], query["from"], query["to"], query["hl_categories"]) == ("宣威市", "2024-02", "2024-05", "投诉")
        assert "宣威市 · 2024-02 至 2024-05" in page.locator("[data-testid=stMain]").inner_text()
        (cookie,) = [c for c in context.cookies() if c["name"] == "qj_session"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert page.evaluate("() => document.cookie").find("qj_session") == -1  # scripts cannot read it

        page.reload()  # F5: still logged in, same page and filters
        _open(page, page.url)
        assert page.get_by_label("密码").count() == 0
        assert "宣威市 · 2024-02 至 2024-05" in page.locator("[data-testid=stMain]").inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"session-after-refresh-{'desk' if viewport[0] > 1000 else 'phone'}.png"))

        page.locator("[data-testid=stSidebar] button", has_text="退出登录").evaluate("b => b.click()")
        page.wait_for_selector("text=用户名", timeout=30_000)
        assert not [c for c in context.cookies() if c["name"] == "qj_session"]
        page.reload()
        page.wait_for_selector("text=用户名", timeout=30_000)  # a refresh after logout does not log in again
        assert page.locator("[data-testid=stMetricValue]").count() == 0
    finally:
        context.close()


def test_an_idle_session_ends(password_app, browser):
    """The server-side session's last request is moved back beyond the idle time (30 minutes by default): the next
    refresh asks for the login again and says why."""
    import sqlite3

    from playwright.sync_api import expect

    url, root = password_app
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{url}/hotline")
        _log_in(page)
        page.wait_for_selector("[data-testid=stSidebar] button:has-text('退出登录')", state="attached", timeout=30_000)
        _open(page, page.url)
        with sqlite3.connect(root / "audit.sqlite") as con:
            con.execute("UPDATE web_session SET last_seen = last_seen - 31 * 60")
        page.reload()
        # the notice is drawn before the form below it: wait for each, as a loaded machine may draw them apart
        expect(page.get_by_text("已自动退出")).to_be_visible(timeout=30_000)
        expect(page.get_by_label("密码")).to_have_count(1, timeout=30_000)
    finally:
        context.close()
