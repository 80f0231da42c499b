"""Single sign-on for real: a local OpenID Connect provider (oidc-provider-mock) on 127.0.0.1, the app started
against it (DASHBOARD_LOGIN=sso, secrets in a temporary file), and headless Chromium through the whole login.
A mapped county user follows a forwarded link through the provider and lands on the linked page confined to
the county; a refresh keeps the session; logout ends it; an identity with no mapping is refused."""

from __future__ import annotations

import os
import shutil
import threading
import urllib.parse

import pytest

from bench.browser import _free_port
from tests.browser.test_browser import ARTIFACTS, _open, missing, serve_app
from tests.conftest import GAZETTE, KPI

pytestmark = pytest.mark.skipif(missing is not None, reason=f"browser tests skipped: {missing}")

COUNTY_USER = "xw.leader@qujing.gov.cn"
STRANGER = "stranger@example.com"


@pytest.fixture(scope="module")
def provider():
    import oidc_provider_mock
    import werkzeug.serving

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback, for the test only
    users = [
        oidc_provider_mock.User(sub=COUNTY_USER, claims={"email": COUNTY_USER, "name": "宣威市领导"}),
        oidc_provider_mock.User(sub=STRANGER, claims={"email": STRANGER, "name": "Stranger"}),
    ]
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def sso_app(provider, tmp_path_factory):
    from etl.pipeline import run

    root = tmp_path_factory.mktemp("sso")
    inbox = root / "inbox"
    inbox.mkdir()
    for f in (GAZETTE, KPI):
        shutil.copy2(f, inbox / f.name)
    db = root / "warehouse.duckdb"
    run(inbox, db, root / "lake")
    port = _free_port()
    secrets = root / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{"7" * 64}"\n'
        'client_id = "qujing-dashboard"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    mapping = root / "identity_map.csv"
    mapping.write_text(f"match,claim,value,role,county,department,name\nemail,,{COUNTY_USER},县级,宣威市,,宣威市领导\n", encoding="utf-8")
    env = {
        "DASHBOARD_DB": str(db),
        "DASHBOARD_LOGIN": "sso",
        "DASHBOARD_IDENTITY_MAP": str(mapping),
        "DASHBOARD_AUDIT": str(root / "audit.sqlite"),
        "DASHBOARD_USERS": str(root / "users.json"),
        "AUTHLIB_INSECURE_TRANSPORT": "1",
    }
    with serve_app(env, port, ("--secrets.files", str(secrets))) as url:
        yield url, root


def _login_at_provider(page, sub: str) -> None:
    page.get_by_role("button", name="使用统一身份认证登录").click()
    page.wait_for_selector("input[name=sub]", timeout=30_000)  # the provider's own form
    page.fill("input[name=sub]", sub)
    page.get_by_role("button", name="Authorize").click()


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)], ids=["desk", "phone"])
def test_county_user_follows_a_link_through_the_provider(sso_app, browser, viewport):
    url, root = sso_app
    link = f"{url}/hotline?" + urllib.parse.urlencode({"county": "麒麟区", "from": "2024-03", "to": "2024-04"})
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(link)
        page.wait_for_selector("text=使用统一身份认证登录", timeout=30_000)
        assert page.locator("[data-testid=stMetricValue]").count() == 0  # nothing before login
        assert "Page not found" not in page.content()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / f"sso-login{'' if viewport[0] > 1000 else '-phone'}.png"))
        _login_at_provider(page, COUNTY_USER)
        page.wait_for_url(lambda u: "/hotline" in u, timeout=30_000)  # back on the linked page
        _open(page, page.url)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
        assert query["from"] == ["2024-03"] and query["to"] == ["2024-04"]  # the link's months, kept through the login
        text = page.locator("[data-testid=stMain]").inner_text()
        assert "宣威市 · 2024-03 至 2024-04" in text  # confined to the county whatever the link asked
        assert "麒麟区" not in page.locator("[data-testid=stMetricValue]").all_inner_texts()

        page.reload()  # a refresh keeps the session
        _open(page, page.url)
        assert "宣威市" in page.locator("[data-testid=stMain]").inner_text()
        assert page.locator("text=使用统一身份认证登录").count() == 0

        # logout ends it, at the provider too (the button sits low in the sidebar's own scroll area)
        page.locator("[data-testid=stSidebar] button", has_text="退出登录").evaluate("b => b.click()")
        page.wait_for_selector("text=End Session", timeout=30_000)
        page.get_by_role("button", name="End session").click()
        page.wait_for_selector("text=使用统一身份认证登录", timeout=30_000)
        page.goto(f"{url}/hotline")
        page.wait_for_selector("text=使用统一身份认证登录", timeout=30_000)
        assert page.locator("[data-testid=stMetricValue]").count() == 0
    finally:
        context.close()
    from dashboard import audit

    os.environ["DASHBOARD_AUDIT"], old = str(root / "audit.sqlite"), os.environ.get("DASHBOARD_AUDIT")
    try:
        events = audit.recent().filter(audit.pl.col("username") == COUNTY_USER)["event"].to_list()
    finally:
        os.environ["DASHBOARD_AUDIT"] = old or ""
    assert "login" in events and "logout" in events


def test_unmapped_identity_is_refused(sso_app, browser):
    url, _ = sso_app
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{url}/hotline")
        page.wait_for_selector("text=使用统一身份认证登录", timeout=30_000)
        _login_at_provider(page, STRANGER)
        page.wait_for_selector("text=尚未开通本系统的查看权限", timeout=30_000)
        text = page.locator("[data-testid=stMain]").inner_text()
        assert STRANGER in text and "联系" in text
        assert page.locator("[data-testid=stMetricValue]").count() == 0
        assert page.locator("[data-testid=stSidebarNav]").count() == 0  # no page is listed
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "sso-refused.png"))
    finally:
        context.close()
