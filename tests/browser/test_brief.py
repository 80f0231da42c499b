"""月度简报 in headless Chromium at desk and phone size: 下载简报 on 总览 gives the city's PDF and Word files, and a county
account's button gives its own county's, whatever the filter. The first page of each PDF is rendered to PNG beside the
screenshots (docs/screenshots with `make screenshots`)."""

from __future__ import annotations

import io

import duckdb
import pypdfium2 as pdfium
import pytest
from docx import Document

from tests.browser.test_browser import ARTIFACTS, _after, _open, missing, serve_app
from tests.browser.test_leader import VIEWPORTS

pytestmark = pytest.mark.skipif(missing is not None, reason=f"browser tests skipped: {missing}")
PASSWORD = "right password"
COUNTY = "会泽县"


@pytest.fixture(scope="module")
def county_app(demo_db, tmp_path_factory):
    from dashboard.auth import hash_password, save_users

    root = tmp_path_factory.mktemp("brief")
    users = root / "users.json"
    save_users(
        {"hz": {"name": "会泽县用户", "role": "县级", "county": COUNTY, "department": None, "password_hash": hash_password(PASSWORD)}},
        users,
    )
    env = {"DASHBOARD_DB": str(demo_db), "DASHBOARD_USERS": str(users), "DASHBOARD_AUDIT": str(root / "audit.sqlite")}
    with serve_app(env) as url:
        yield url


@pytest.fixture(params=list(VIEWPORTS))
def sized(request, browser):
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", is_mobile=request.param == "phone", accept_downloads=True
    )
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()


def _volume(db, county: str | None) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT count(*) FROM hotline_ticket WHERE month = DATE '2024-06-01' AND ($c IS NULL OR county = $c)", {"c": county}
        ).fetchone()[0]


def _download(page, label: str) -> tuple[str, bytes]:
    """Open 下载简报 and take one of its files."""
    button = page.get_by_role("button", name=label)
    # open it only when closed: its caption may be drawn before its buttons, and a second click would close it
    if not page.get_by_text("月度简报：").first.is_visible():
        page.get_by_role("button", name="下载简报").click()
    button.wait_for(state="visible", timeout=60_000)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as d:  # the file is built when clicked
        # the click also reruns the page (the download is audited): the next click waits for that rerun, or it may
        # land on a button being replaced and be lost
        _after(page, button.click)
    path = d.value.path()
    return d.value.suggested_filename, open(path, "rb").read()


def _first_page(data: bytes, name: str) -> str:
    doc = pdfium.PdfDocument(data)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    doc[0].render(scale=110 / 72).to_pil().save(ARTIFACTS / name)  # A4 at 110 dpi: readable in the README
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).replace("\r", "").replace("\n", "")


def test_the_overview_gives_the_city_briefing(app_url, demo_db, sized):
    from playwright.sync_api import expect

    _open(sized, f"{app_url}/?from=2024-04&to=2024-06")
    sized.get_by_role("button", name="下载简报").click()
    expect(sized.get_by_text("月度简报：2024年6月（所选期间的最后一个月）· 全市")).to_be_visible(timeout=30_000)
    sized.screenshot(path=str(ARTIFACTS / f"brief-button-{sized.size_name}.png"))
    name, data = _download(sized, "PDF（阅读、打印）")
    assert name == "月度简报_2024-06_全市.pdf" and data.startswith(b"%PDF")
    text = _first_page(data, "brief-city-page1.png")
    assert "2024年6月　·　全市" in text and f"本月受理工单 {_volume(demo_db, None):,} 件" in text
    name, data = _download(sized, "Word（可编辑）")
    assert name == "月度简报_2024-06_全市.docx"
    words = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert f"本月受理工单 {_volume(demo_db, None):,} 件" in words


def test_a_county_account_downloads_only_its_county(county_app, demo_db, sized):
    from playwright.sync_api import expect

    sized.goto(f"{county_app}/?from=2024-06&to=2024-06")
    sized.wait_for_selector("text=用户名", timeout=30_000)
    sized.get_by_label("用户名").fill("hz")
    sized.get_by_label("密码").fill(PASSWORD)
    sized.get_by_role("button", name="登录").click()
    sized.wait_for_selector("[data-testid=stSidebar] button:has-text('退出登录')", state="attached", timeout=30_000)
    _open(sized, sized.url)
    sized.get_by_role("button", name="下载简报").click()
    expect(sized.get_by_text(f"月度简报：2024年6月（所选期间的最后一个月）· {COUNTY}")).to_be_visible(timeout=30_000)
    name, data = _download(sized, "PDF（阅读、打印）")
    assert name == f"月度简报_2024-06_{COUNTY}.pdf"
    text = _first_page(data, "brief-county-page1.png")
    assert f"2024年6月　·　{COUNTY}" in text and f"本月受理工单 {_volume(demo_db, COUNTY):,} 件" in text
    assert "各县（市、区）情况与红黑榜" not in text and "承办单位红黑榜" not in text


def test_a_failed_briefing_shows_on_the_status_page(app_url, demo_db, sized):
    import datetime as dt

    from etl import brief_job

    failed = brief_job.Outcome(dt.date(2024, 6, 1), "麒麟区", "failed", message="FontMissing: 生成简报需要中文字体 Noto Sans CJK SC")
    brief_job.record(demo_db.parent / "lake", [failed], "schedule", dt.datetime(2024, 7, 1, 2, 31))
    try:
        _open(sized, f"{app_url}/status")
        alert = sized.locator("[data-testid=stAlert]").filter(has_text="2024-06 麒麟区 的月度简报生成失败")
        assert alert.count() == 1 and "FontMissing: 生成简报需要中文字体" in alert.inner_text()
    finally:
        (demo_db.parent / "lake" / "brief_log.jsonl").unlink()
