"""月度简报 (issue 16): the PDF's text and the Word file carry the warehouse's figures for a city and a county briefing,
worked out here from the ticket rows with the 附件3 definitions (not through the cube or the app's queries); a county
account's button builds only its county; the CLI, the scheduled job (first working day, retries, never failing the
ETL), the mailing to a local SMTP server, and a failed briefing on 数据状态."""

from __future__ import annotations

import datetime as dt
import email.header
import io
import json
import shutil
import socket

import duckdb
import polars as pl
import pypdfium2 as pdfium
import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from dashboard import auth, brief
from dashboard.auth import User
from dashboard.brief import fonts
from etl import brief_job
from etl.__main__ import main as etl_main
from tests.conftest import serving
from warehouse.runlog import BRIEF_DEFAULTS, SMTP_DEFAULTS, read_brief_log

MONTH = dt.date(2024, 6, 1)
COUNTY = "会泽县"
AT = dt.datetime(2024, 7, 8, 9, 30)  # the run's time: nothing below reads the clock


@pytest.fixture(scope="module")
def demo(planted_demo):
    return planted_demo


@pytest.fixture
def served(demo, monkeypatch):
    root, tickets = demo
    with serving(root / "warehouse.duckdb", monkeypatch):
        yield root, tickets


def ticket_figures(db, month: dt.date, county: str | None = None) -> dict:
    """The month's figures from the ticket rows, by the 附件3 definitions (DESIGN.md): 办结率 = closed / (closed + open
    past the deadline); 按期办结率 = closed by the deadline / closed; 满意率 = (满意 + 基本满意) / visited."""
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            """SELECT count(*), count(closed_at), count(*) FILTER (overdue_open), count(*) FILTER (closed_on_time),
                      count(*) FILTER (satisfaction IN ('满意', '基本满意')), count(*) FILTER (satisfaction IN ('满意', '基本满意', '不满意'))
               FROM hotline_ticket WHERE month = $m AND ($c IS NULL OR county = $c)""",
            {"m": month, "c": county},
        ).fetchone()
    volume, closed, overdue, on_time, satisfied, visited = row
    return {
        "volume": volume,
        "close_rate": 100 * closed / (closed + overdue),
        "on_time_rate": 100 * on_time / closed,
        "satisfaction_rate": 100 * satisfied / visited,
    }


def pdf_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def flat(text: str) -> str:
    """The text without line breaks (a sentence may wrap anywhere in Chinese)."""
    return text.replace("\r", "").replace("\n", "")


def docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    doc = Document(io.BytesIO(data))
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    return "\n".join(p.text for p in doc.paragraphs), tables


def expected_sentence(f: dict, before: int, last_year: int | None) -> list[str]:
    change = round(100 * (f["volume"] - before) / before, 1)
    word = "增长" if change > 0 else "下降"
    return [
        f"本月受理工单 {f['volume']:,} 件，环比{word} {abs(change):.1f}%",
        f"办结率 {f['close_rate']:.1f}%",
        f"按期办结率 {f['on_time_rate']:.1f}%",
        f"满意率 {f['satisfaction_rate']:.1f}%",
    ]


def test_city_briefing_pdf_and_word_carry_the_warehouse_figures(served):
    root, tickets = served
    db = root / "warehouse.duckdb"
    june = ticket_figures(db, MONTH)
    may = ticket_figures(db, dt.date(2024, 5, 1))
    # the generated tickets agree with the warehouse on the volume (nothing lost on the way in)
    assert june["volume"] == tickets.filter(pl.col("received_at").dt.strftime("%Y-%m") == "2024-06").height
    files = brief.build(MONTH, generated_at=AT)
    text = flat(pdf_text(files.pdf))
    for part in expected_sentence(june, may["volume"], None):
        assert part in text, part
    assert "同比 —（去年同月无数据）" in text  # no 2023 data: no comparison against an empty year
    assert "曲靖市人民政府办公室" in text and "2024年6月" in text and "演示数据" in text and "全市" in text
    # every county in the county table with its volume, counted from the ticket rows
    with duckdb.connect(str(db), read_only=True) as con:
        by_county = con.execute("SELECT county, count(*) FROM hotline_ticket WHERE month = $m GROUP BY 1", {"m": MONTH}).fetchall()
    assert len(by_county) == 10
    lines = pdf_text(files.pdf).splitlines()
    for county, n in by_county:
        assert any(line.split()[1:3] == [county, f"{n:,}"] for line in lines if len(line.split()) > 2), county
    # page numbers, and the 数据说明 page with the 附件3 targets and the time limits
    assert "第 1 页" in text and "数据说明" in text and "目标 ≥95%" in text and "12345 办理时限（工作日）" in text
    # the Word file: the same figures, in real tables
    words, tables = docx_text(files.docx)
    for part in expected_sentence(june, may["volume"], None):
        assert part in words, part
    figures = next(t for t in tables if t[0][:2] == ["指标", "本月"])
    rows = {r[0]: r for r in figures[1:]}
    assert rows["工单量"][1] == f"{june['volume']:,} 件"
    assert rows["按期办结率"][1] == f"{june['on_time_rate']:.1f}%" and rows["按期办结率"][2] == "≥95%"
    assert rows["满意率"][3] == ("达标" if round(june["satisfaction_rate"], 1) >= 95 else "未达标")
    d = round(june["on_time_rate"] - may["on_time_rate"], 1)
    assert rows["按期办结率"][4] == ("持平" if d == 0 else f"{d:+.1f} 个百分点")


def test_county_briefing_has_the_county_figures_only(served):
    root, tickets = served
    db = root / "warehouse.duckdb"
    june = ticket_figures(db, MONTH, COUNTY)
    may = ticket_figures(db, dt.date(2024, 5, 1), COUNTY)
    files = brief.build(MONTH, (COUNTY,), generated_at=AT)
    assert files.brief.stem == f"月度简报_2024-06_{COUNTY}"
    text = flat(pdf_text(files.pdf))
    for part in expected_sentence(june, may["volume"], None):
        assert part in text, part
    # its place among the counties, not the city's table of every county
    assert f"{COUNTY}在全市" in text and "各县（市、区）情况与红黑榜" not in text
    # the planted water-outage surge of 会泽县 is its top problem this month (etl.demo.PLANTED)
    assert "热点诉求前三：停水" in text
    words, _ = docx_text(files.docx)
    assert f"本月受理工单 {june['volume']:,} 件" in words


def test_a_county_account_button_builds_only_its_county(served):
    """The button's click runs in a server thread: it builds as the account the page was drawn for, whatever the
    filter says (here: the whole city)."""
    from dashboard.filters import Scope
    from dashboard.views import briefing

    root, _ = served
    user = User("hz", "会泽用户", "县级", county=COUNTY)
    scope = Scope(MONTH, MONTH)
    assert briefing.own_scope(scope, user) == ((COUNTY,), ())
    data = briefing._data("pdf", MONTH, *briefing.own_scope(scope, user), user)
    text = flat(pdf_text(data))
    june = ticket_figures(root / "warehouse.duckdb", MONTH, COUNTY)
    assert f"本月受理工单 {june['volume']:,} 件" in text and f"2024年6月　·　{COUNTY}" in text
    # asked for the city with a county account's rights, the queries still narrow to its county
    with auth.acting_as(user):
        forced = brief.build(MONTH, (), generated_at=AT)
    assert f"本月受理工单 {june['volume']:,} 件" in flat(pdf_text(forced.pdf))


def test_overview_and_county_pages_offer_the_briefing(served):
    at = AppTest.from_string("from dashboard.views.overview import render\nrender()\n", default_timeout=60)
    at.query_params["from"], at.query_params["to"] = "2024-04", "2024-06"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == ["PDF（阅读、打印）", "Word（可编辑）"]  # first on the page, before the sections' downloads
    assert any("月度简报：2024年6月（所选期间的最后一个月）· 全市" in c.value for c in at.caption)
    at = AppTest.from_string("from dashboard.views.county import render\nrender()\n", default_timeout=60)
    at.query_params["county"], at.query_params["from"], at.query_params["to"] = COUNTY, "2024-06", "2024-06"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b.proto.label for b in at.get("download_button")][:2] == ["PDF（阅读、打印）", "Word（可编辑）"]
    assert any(f"月度简报：2024年6月（所选期间的最后一个月）· {COUNTY}" in c.value for c in at.caption)


def test_cli_writes_both_files_and_logs_the_attempt(demo, tmp_path, capsys):
    root, _ = demo
    db, lake = root / "warehouse.duckdb", tmp_path / "lake"
    out = tmp_path / "outbox"
    rc = etl_main(["brief", "--month", "2024-06", "--county", "会泽", "--out", str(out), "--db", str(db), "--lake", str(lake)])
    assert rc == 0
    assert sorted(p.name for p in out.iterdir()) == [f"月度简报_2024-06_{COUNTY}.docx", f"月度简报_2024-06_{COUNTY}.pdf"]
    entry = read_brief_log(lake).row(0, named=True)
    assert (entry["trigger"], entry["month"], entry["scope"], entry["status"]) == ("cli", "2024-06", COUNTY, "success")
    assert etl_main(["brief", "--month", "2024-13", "--db", str(db)]) == 2
    assert etl_main(["brief", "--month", "2024-06", "--county", "不存在县", "--db", str(db), "--lake", str(lake)]) == 2
    assert "没有名为“不存在县”的县（市、区）；可选：麒麟区" in capsys.readouterr().err


def test_first_working_day_follows_the_holiday_calendar(demo):
    db = demo[0] / "warehouse.duckdb"
    # 2024: 国庆节 1–7 October off (国务院办公厅 2023-10-25), so the month's first working day is the 8th
    assert brief_job.first_workday(db, dt.date(2024, 10, 1)) == dt.date(2024, 10, 8)
    assert brief_job.first_workday(db, dt.date(2024, 6, 1)) == dt.date(2024, 6, 3)  # 1 June 2024 is a Saturday
    assert brief_job.due_month(db, dt.datetime(2024, 10, 7, 3), "first_workday") is None
    assert brief_job.due_month(db, dt.datetime(2024, 10, 8, 3), "first_workday") == dt.date(2024, 9, 1)
    assert brief_job.due_month(db, dt.datetime(2024, 10, 5, 3), 5) == dt.date(2024, 9, 1)


class FakeFiles:
    def __init__(self, stem):
        self.stem = stem

    def named(self):
        return {f"{self.stem}.pdf": b"%PDF-fake", f"{self.stem}.docx": b"PK-fake"}


def settings(**changes) -> dict:
    return {**BRIEF_DEFAULTS, "smtp": dict(SMTP_DEFAULTS), "recipients": {}, **changes}


def test_scheduled_job_makes_each_scope_once_and_retries_only_what_failed(demo, tmp_path, monkeypatch):
    db = demo[0] / "warehouse.duckdb"
    lake = tmp_path / "lake"
    broken = {"宣威市"}

    def fake_build(month, counties=(), departments=(), generated_at=None):
        scope = counties[0] if counties else "全市"
        if scope in broken:
            raise RuntimeError("字体文件损坏")
        return FakeFiles(f"月度简报_{month:%Y-%m}_{scope}")

    monkeypatch.setattr(brief, "build", fake_build)
    s = settings(outbox=str(tmp_path / "outbox"))
    when = dt.datetime(2024, 7, 1, 2, 30)  # Monday 1 July 2024: a working day
    state = brief_job.scheduled(db, lake, s, {}, when)
    every = ["全市", *brief_job.counties(db)]
    assert len(every) == 11 and "brief_month" not in state  # one failed: the month is not done
    assert sorted(state["brief_done"]["2024-06"]) == sorted(set(every) - broken)
    log = read_brief_log(lake)
    assert log.filter(pl.col("status") == "failed")["message"].to_list() == ["RuntimeError: 字体文件损坏"]
    broken.clear()
    again = brief_job.scheduled(db, lake, s, state, when + dt.timedelta(days=1))
    assert again["brief_month"] == "2024-06"
    assert read_brief_log(lake).head(1)["scope"].to_list() == ["宣威市"]  # only the one that had failed was made again
    assert brief_job.scheduled(db, lake, s, {**state, **again}, when + dt.timedelta(days=2)) is None
    assert (tmp_path / "outbox" / "月度简报_2024-06_宣威市.pdf").read_bytes() == b"%PDF-fake"


def test_a_failing_briefing_never_fails_the_scheduled_etl_and_shows_on_the_status_page(demo, tmp_path, monkeypatch):
    from etl.schedule import Runner, ScheduleConfig

    root, _ = demo
    inbox, db, lake = tmp_path / "inbox", tmp_path / "warehouse.duckdb", tmp_path / "lake"
    shutil.copytree(root / "inbox", inbox)

    def broken(*a, **k):
        raise OSError("磁盘已满")

    monkeypatch.setattr(brief, "build", broken)
    config = ScheduleConfig(poll_seconds=0, brief=settings(outbox=str(tmp_path / "outbox")))
    runner = Runner(inbox, db, lake, config, clock=lambda: dt.datetime(2024, 7, 1, 2, 30))
    assert runner.run("cron") is True  # the ETL published; the briefing's failure is only logged
    assert runner.state()["brief_done"]["2024-06"] == [] and "brief_month" not in runner.state()
    with serving(db, monkeypatch):
        at = AppTest.from_string("from dashboard.views.status import render\nrender()\n", default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
        errors = [e.value for e in at.error]
        assert any("2024-06 全市 的月度简报生成失败" in e and "OSError: 磁盘已满" in e for e in errors), errors


def test_mailing_to_a_local_smtp_server(demo, tmp_path):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:  # a free port for the test's own server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Controller(Keep(), hostname="127.0.0.1", port=port)
    server.start()
    try:
        db = demo[0] / "warehouse.duckdb"
        smtp = {**SMTP_DEFAULTS, "host": "127.0.0.1", "port": port, "sender": "brief@example.gov.cn"}
        s = settings(
            outbox=str(tmp_path / "outbox"),
            scopes="city",
            smtp=smtp,
            recipients={"全市": ["office@example.gov.cn", "mayor@example.gov.cn"]},
        )
        state = brief_job.scheduled(db, tmp_path / "lake", s, {}, dt.datetime(2024, 7, 1, 2, 30))
    finally:
        server.stop()
    assert state["brief_month"] == "2024-06"
    assert len(received) == 1
    msg = received[0]
    assert msg["To"] == "office@example.gov.cn, mayor@example.gov.cn" and msg["From"] == "brief@example.gov.cn"
    subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
    assert subject == "曲靖市运行监测月度简报（2024年6月 · 全市）"
    attachments = {part.get_filename(): part.get_payload(decode=True) for part in msg.walk() if part.get_filename()}
    assert set(attachments) == {"月度简报_2024-06_全市.pdf", "月度简报_2024-06_全市.docx"}
    assert attachments["月度简报_2024-06_全市.pdf"] == (tmp_path / "outbox" / "月度简报_2024-06_全市.pdf").read_bytes()
    entry = json.loads((tmp_path / "lake" / "brief_log.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert entry["mailed"] == "office@example.gov.cn、mayor@example.gov.cn"


def test_an_unreachable_mail_server_is_a_failure_with_the_files_kept(demo, tmp_path, monkeypatch):
    db = demo[0] / "warehouse.duckdb"
    monkeypatch.setattr(
        brief, "build", lambda month, counties=(), departments=(), generated_at=None: FakeFiles(f"月度简报_{month:%Y-%m}_全市")
    )
    smtp = {**SMTP_DEFAULTS, "host": "127.0.0.1", "port": 9, "timeout": 5}  # the discard port: nothing listens
    s = settings(outbox=str(tmp_path / "outbox"), scopes="city", smtp=smtp, recipients={"全市": ["office@example.gov.cn"]})
    state = brief_job.scheduled(db, tmp_path / "lake", s, {}, dt.datetime(2024, 7, 1, 2, 30))
    assert "brief_month" not in state  # tried again at the next tick
    entry = read_brief_log(tmp_path / "lake").row(0, named=True)
    assert entry["status"] == "failed" and entry["message"].startswith("邮件发送失败（127.0.0.1:9）")
    assert (tmp_path / "outbox" / "月度简报_2024-06_全市.pdf").exists()


def test_a_missing_chinese_font_is_named(monkeypatch, tmp_path):
    fonts.face.cache_clear()
    monkeypatch.setenv("DASHBOARD_BRIEF_FONT", str(tmp_path / "none.ttc"))
    try:
        with pytest.raises(fonts.FontMissing, match="DASHBOARD_BRIEF_FONT=.*字体文件不存在"):
            fonts.face("regular")
    finally:
        fonts.face.cache_clear()


def test_schedule_file_rejects_a_bad_briefing_setting(tmp_path):
    from warehouse.runlog import read_schedule_file

    bad = tmp_path / "s.toml"
    bad.write_text("[brief]\nday = 31\n", encoding="utf-8")
    with pytest.raises(ValueError, match="day must be"):
        read_schedule_file(bad)
    bad.write_text('[brief.recipients]\n"宣威市" = ["not-an-address"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="宣威市: expected a list of e-mail addresses"):
        read_schedule_file(bad)


def test_a_department_account_gets_its_own_tickets_and_rank(served):
    """A 部门 account: its department's tickets only, its place among the 承办单位, and no county data (plan indicators
    and concessions are county data it may not see). The planted failing department (etl.demo.PLANTED) is last in
    May; in June it has fewer than 20 tickets due and the briefing says it is not ranked."""
    root, _ = served
    dept = "市住房和城乡建设局"
    user = User("zj", "住建局用户", "部门", department=dept)
    may = dt.date(2024, 5, 1)
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        volume = con.execute("SELECT count(*) FROM hotline_ticket WHERE month = $m AND department = $d", {"m": may, "d": dept}).fetchone()[
            0
        ]
        ranked = con.execute(
            "SELECT count(*) FROM hotline_ranking WHERE period = '2024-05' AND unit_kind = 'department' AND measure = 'composite'"
        ).fetchone()[0]
    with auth.acting_as(user):
        files = brief.build(may, (), (dept,), generated_at=AT)
        june = brief.build(MONTH, (), (dept,), generated_at=AT)
    text = flat(pdf_text(files.pdf))
    assert files.brief.scope == f"全市 · {dept}" and f"本月受理工单 {volume:,} 件" in text
    assert f"{dept}在全市 {ranked} 个参评承办单位中三率综合排第 {ranked} 位" in text and "列入黑榜" in text
    assert "规划指标监测（" not in text and "燃气特许经营（" not in text and "各县（市、区）情况与红黑榜" not in text
    assert f"本月{dept}应办结件不足 20 件，未参加承办单位排名。" in flat(pdf_text(june.pdf))
