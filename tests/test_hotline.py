"""12345 hotline: deadlines on the official calendar, KPIs and department scores on hand-made files,
encodings, XLSX, re-exports, every reject reason, personal data, demo data."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard.filters import HotlineFilter
from etl.pipeline import run
from tests.conftest import GAZETTE, ROOT, fetch, serving

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = dt.datetime(2024, 7, 31, 23, 59, 59)


def load(tmp_path: Path, *files: Path, as_of: dt.datetime | None = AS_OF, names: list[str] | None = None) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for k, f in enumerate(files):
        shutil.copy2(f, inbox / (names[k] if names else f.name))
    db = tmp_path / "w.duckdb"
    run(inbox, db, tmp_path / "lake", as_of=as_of)
    return db


rows = fetch


def ts(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


# ---------------------------------------------------------------- deadlines
DEADLINES = {
    # 咨询 on Fri 30 Sep 2022: 1–7 Oct is the National Day holiday, Sat 8 and Sun 9 Oct are working days
    "D1": ("2022-10-08 23:59:59", "2022-10-10 23:59:59"),
    # 求助 on Fri 20 Jan 2023: 21–27 Jan Spring Festival, Sat 28 and Sun 29 Jan working days → 28, 29, 30 | 31, 1 Feb
    "D2": ("2023-01-30 23:59:59", "2023-02-01 23:59:59"),
    # 咨询 on Saturday 9 Mar 2024: counting starts on Monday 11 → 11 | 12, 13
    "D3": ("2024-03-11 23:59:59", "2024-03-13 23:59:59"),
    # 求助 on a holiday, 3 Oct 2022: 8, 9, 10 | 11, 12
    "D4": ("2022-10-10 23:59:59", "2022-10-12 23:59:59"),
    # 投诉 on Mon 4 Mar 2024, one extension (15 + 10 = 25): Qingming 4–6 Apr off, Sun 7 Apr worked →
    # 15th working day 25 Mar; 25th: Mar 5–8, 11–15, 18–22, 25–29, Apr 1–3 (22), Apr 7, 8, 9
    "D5": ("2024-03-25 23:59:59", "2024-04-09 23:59:59"),
    # 举报 on Thu 1 Jun 2023, two extensions (35): Dragon Boat 22–24 Jun off, Sun 25 Jun worked (the 15th);
    # 35th: Jun 26–30 (20), Jul 3–7 (25), 10–14 (30), 17–21 (35)
    "D6": ("2023-06-25 23:59:59", "2023-07-21 23:59:59"),
    # 表扬 has no limit
    "D7": (None, None),
    # 投诉 without extension: the maximum equals the standard 15 working days
    "D9": ("2024-03-25 23:59:59", "2024-03-25 23:59:59"),
}


@pytest.fixture(scope="module")
def deadline_db(tmp_path_factory):
    return load(tmp_path_factory.mktemp("deadlines"), FIXTURES / "hotline_deadlines.csv", as_of=ts("2024-06-01 00:00:00"))


@pytest.mark.parametrize("ticket", sorted(DEADLINES))
def test_deadlines_on_the_official_calendar(deadline_db, ticket):
    std, mx = DEADLINES[ticket]
    got = rows(deadline_db, f"SELECT standard_deadline_at, deadline_at FROM hotline_ticket WHERE ticket_id = '{ticket}'")[0]
    assert got == (std and ts(std), mx and ts(mx))


def test_praise_and_direct_answers_are_on_time(deadline_db):
    praise = rows(deadline_db, "SELECT closed_on_time, overdue_open FROM hotline_ticket WHERE ticket_id = 'D7'")[0]
    assert praise == (True, False)
    direct = rows(
        deadline_db,
        "SELECT answered_directly, closed_at, closed_on_time, overdue_open, workdays_to_close FROM hotline_ticket WHERE ticket_id = 'D8'",
    )
    assert direct == [(True, ts("2024-05-06 10:00:00"), True, False, 0)]


def test_overdue_judged_at_the_cut_off(deadline_db):
    # cut-off 2024-06-01: every dispatched ticket above is open; those whose maximum has passed are overdue
    overdue = {r[0] for r in rows(deadline_db, "SELECT ticket_id FROM hotline_ticket WHERE overdue_open")}
    assert overdue == {"D1", "D2", "D3", "D4", "D5", "D6", "D9"}
    info = dict(rows(deadline_db, "SELECT key, value FROM warehouse_info"))
    assert info["hotline_as_of"] == "2024-06-01 00:00:00" and info["hotline_as_of_source"] == "--as-of"


# longest overdue first at the cut-off 2024-06-01, by the maxima in DEADLINES (the earlier deadline is the longer overdue)
OVERDUE_ORDER = ["D1", "D4", "D2", "D6", "D3", "D9", "D5"]


def test_a_long_overdue_list_shows_its_first_rows_and_downloads_them_all(deadline_db, monkeypatch):
    """With the list capped at 3 rows, 逾期未办结 counts all seven, lists the three longest overdue, says so, and its
    download fetches all seven in the same order. Without the cap the page sent every overdue ticket to the browser
    (109,887 of them at 100 M tickets)."""
    from streamlit.testing.v1 import AppTest

    from dashboard import export, queries
    from dashboard.views import ticket

    monkeypatch.setattr(ticket, "SHOWN_ROWS", 3)
    handed = {}  # what the list hands its download buttons, to build the file as a click would
    real_buttons = ticket.download_buttons
    monkeypatch.setattr(ticket, "download_buttons", lambda *a, **k: handed.update(k) or real_buttons(*a, **k))
    with serving(deadline_db, monkeypatch):
        at = AppTest.from_string("from dashboard.views.hotline import render\nrender()\n", default_timeout=60)
        at.query_params.update({"from": "2022-09", "to": "2024-06", "hl_tab": "逾期未办结"})
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert _metrics(at)["逾期未办结工单"] == "7 件"
        shown = next(df.value for df in at.dataframe if "工单编号" in df.value.columns)
        assert list(shown["工单编号"]) == OVERDUE_ORDER[:3]
        assert "共 7 件，列表显示排在最前的 3 件；下载的 CSV / Excel 含全部 7 件。" in [c.value for c in at.caption]
        assert "下载 CSV（7 行）" in [b.proto.label for b in at.get("download_button")]
        f = HotlineFilter(dt.date(2022, 9, 1), dt.date(2024, 6, 1))
        found = queries.hotline_overdue(f, 3)
        assert (found.shown["ticket_id"].to_list(), found.total) == (OVERDUE_ORDER[:3], 7)
        assert found.fetch_all()["ticket_id"].to_list() == OVERDUE_ORDER
        assert queries.hotline_overdue(f, 7).total == 7 and queries.hotline_overdue(f, 8).total == 7  # at and past the cap
    # built on another thread after the run, as Streamlit builds it: the whole list, shaped as on screen
    with serving(deadline_db, monkeypatch):
        csv = export._built(export.to_csv_bytes, handed["everything"]).decode("utf-8-sig")
    downloaded = pl.read_csv(io.StringIO(csv))
    assert downloaded["工单编号"].to_list() == OVERDUE_ORDER and downloaded.columns[:1] == ["工单编号"]


# ---------------------------------------------------------------- KPIs and department score
@pytest.fixture(scope="module")
def kpi_db(tmp_path_factory):
    return load(tmp_path_factory.mktemp("kpi"), FIXTURES / "hotline_kpi.csv")


def test_freshness_of_every_domain_against_the_runs_time(tmp_path, monkeypatch):
    """Run at 2024-07-31 23:59:59 over the gazette and the 7 tickets: the newest ticket was received on 30 July
    (1 day, within 35); the newest document of the 2022-09 issue is dated 25 August 2022 and its newest event
    31 August 2022 (706 and 700 days, beyond 45 and 75); no concession sheets or indicator actuals at all."""
    db = load(tmp_path, GAZETTE, FIXTURES / "hotline_kpi.csv")
    got = rows(db, "SELECT domain, latest_date, age_days, max_age_days, stale FROM v_freshness ORDER BY domain")
    assert got == [
        ("chronicle", dt.date(2022, 8, 31), 700, 75, True),
        ("concession", None, None, 120, True),
        ("gazette", dt.date(2022, 8, 25), 706, 45, True),
        ("hotline", dt.date(2024, 7, 30), 1, 35, False),
        ("indicator", None, None, 120, True),
    ]
    assert rows(db, "SELECT value FROM warehouse_info WHERE key = 'run_at'") == [("2024-07-31T23:59:59",)]
    with serving(db, monkeypatch):
        at = _page("status")
    warned = [w.value for w in at.warning if "🕒" in str(w.icon) or "预期更新周期" in w.value or "还没有数据" in w.value]
    assert "大事记：最新数据为 2022-08-31，距本次运行（2024-07-31 23:59:59）已 700 天，超过预期更新周期 75 天" in "".join(warned)
    assert any(w.startswith("燃气特许经营评分：还没有数据") for w in warned)
    assert not any(w.startswith("12345 工单") for w in warned)


def test_kpis_on_a_hand_made_file(kpi_db):
    """7 tickets; closed T1 T2 T3 T6 T7; on time T1 T2 T6 T7 (T3 closed 15 Apr, deadline 9 Apr; T7 has one
    extension: 8 Apr is inside 9 Apr); overdue T4 (deadline Sat 11 May, a 调休 working day); T5 is open
    but not yet due; visited T1 满意, T2 基本满意, T3 不满意; signing judged for T1 (30 min) and T2 (3 h);
    working days to close 2, 3 (Sun 4 Feb 2024 was a 调休 working day), 9, 0, 24; T2 is T1's caller again 24 days later."""
    from dashboard.queries import sql

    con = duckdb.connect(str(kpi_db), read_only=True)
    try:
        k = (
            con.sql(
                sql("hotline_kpis"),
                params={
                    "by": "all",
                    "counties": [],
                    "departments": [],
                    "m_from": dt.date(2024, 1, 1),
                    "m_to": dt.date(2024, 12, 1),
                    "categories": [],
                    "channels": [],
                },
            )
            .pl()
            .row(0, named=True)
        )
    finally:
        con.close()
    assert k["volume"] == 7
    # 办结率 over the tickets due by the cut-off: the 5 closed and T4 (open past 11 May); T5 (received 30 July,
    # 求助, due 6 August) is 在办, not a failure
    assert (k["due"], k["in_progress"]) == (6, 1)
    assert k["close_rate"] == pytest.approx(100 * 5 / 6)
    assert k["on_time_rate"] == pytest.approx(80.0)
    assert k["overdue_open"] == 1 and k["late_closed"] == 1
    assert k["satisfaction_rate"] == pytest.approx(100 * 2 / 3)
    assert k["visit_rate"] == pytest.approx(60.0)
    assert k["sign_rate"] == pytest.approx(50.0)
    assert k["direct_rate"] == 0
    assert k["mean_workdays"] == pytest.approx(38 / 5)
    assert k["repeat_rate"] == pytest.approx(100 / 7)
    assert rows(kpi_db, "SELECT ticket_id, standard_deadline_at, deadline_at FROM hotline_ticket WHERE ticket_id = 'T4'") == [
        ("T4", ts("2024-05-09 23:59:59"), ts("2024-05-11 23:59:59"))
    ]


def test_department_score(kpi_db):
    """市甲局 2024: Q1 all on time (+5), Q2 one late (−0.5) and one overdue (−1), Q3 still open (no bonus):
    100 − 0.5 − 1 + 5 = 103.5. 市乙局: Q1 all on time: 105."""
    got = rows(kpi_db, "SELECT department, year, score, late_closed, overdue_open, full_quarters FROM hotline_dept_score ORDER BY 1")
    assert got == [("市乙局", 2024, 105.0, 0, 0, 1), ("市甲局", 2024, 103.5, 1, 1, 1)]
    # unknown departments are added to the dimension and flagged
    assert rows(kpi_db, "SELECT department, is_flagged FROM department ORDER BY 1") == [("市乙局", True), ("市甲局", True)]


def test_personal_data_never_reaches_the_warehouse(kpi_db):
    con = duckdb.connect(str(kpi_db), read_only=True)
    try:
        cols = con.execute("SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'").fetchall()
        for needle in ("13912345678", "139-1234-5678", "3121219", "530302199001011234", "测试甲", "测试乙"):
            for table, column in cols:
                hits = con.execute(f'SELECT count(*) FROM "{table}" WHERE contains("{column}", ?)', [needle]).fetchone()[0]
                assert hits == 0, (needle, table, column)
        assert not {"caller_name", "caller_phone"} & {c for _, c in cols}
        content = dict(con.execute("SELECT ticket_id, content FROM hotline_ticket WHERE content IS NOT NULL").fetchall())
        assert content == {"T1": "路灯不亮，请联系[电话已隐藏]", "T2": "身份证[身份证号已隐藏]的补办"}
        # the same caller (two spellings of one number) gets one hash
        hashes = dict(con.execute("SELECT ticket_id, caller_hash FROM hotline_ticket").fetchall())
        assert hashes["T1"] == hashes["T2"] and hashes["T3"] == hashes["T4"] and hashes["T1"] != hashes["T3"]
    finally:
        con.close()


# ---------------------------------------------------------------- formats, re-exports, rejects
def test_encodings_and_xlsx_load_the_same_tickets(tmp_path):
    src = pl.read_csv(FIXTURES / "hotline_kpi.csv", infer_schema=False)
    text = src.write_csv()
    variants = {"utf8.csv": text.encode("utf-8"), "bom.csv": b"\xef\xbb\xbf" + text.encode("utf-8"), "gb.csv": text.encode("gb18030")}
    expected = None
    for name, data in variants.items():
        d = tmp_path / name
        d.mkdir()
        (d / "inbox").mkdir()
        (d / "inbox" / name).write_bytes(data)
        run(d / "inbox", d / "w.duckdb", d / "lake", as_of=AS_OF)
        got = rows(
            d / "w.duckdb", "SELECT ticket_id, received_at, county, department, closed_on_time, content FROM hotline_ticket ORDER BY 1"
        )
        expected = expected or got
        assert got == expected and len(got) == 7
        assert rows(d / "w.duckdb", f"SELECT message FROM etl_run WHERE source = '{name}'")[0][0].startswith(
            f"12345 工单（{'gb18030' if name == 'gb.csv' else 'utf-8'}）"
        )
    x = tmp_path / "x"
    (x / "inbox").mkdir(parents=True)
    # Excel keeps times as date cells: write them as datetimes
    times = ["受理时间", "派单时间", "签收时间", "退单时间", "办结时间"]
    src.with_columns(pl.col(c).str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False) for c in times).write_excel(x / "inbox" / "export.xlsx")
    run(x / "inbox", x / "w.duckdb", x / "lake", as_of=AS_OF)
    assert (
        rows(x / "w.duckdb", "SELECT ticket_id, received_at, county, department, closed_on_time, content FROM hotline_ticket ORDER BY 1")
        == expected
    )


def test_re_export_replaces_the_earlier_state(tmp_path):
    later = (
        pl.read_csv(FIXTURES / "hotline_kpi.csv", infer_schema=False)
        .filter(pl.col("工单编号") == "T4")
        .with_columns(pl.lit("2024-05-10 16:00:00").alias("办结时间"), pl.lit("满意").alias("回访结果"))
    )
    upd = tmp_path / "src" / "工单_2024-07_更新.csv"
    upd.parent.mkdir()
    later.write_csv(upd)
    db = load(tmp_path, FIXTURES / "hotline_kpi.csv", upd)
    assert rows(db, "SELECT count(*), count(DISTINCT ticket_id) FROM hotline_ticket") == [(7, 7)]
    assert rows(db, "SELECT count(*) FROM hotline_ticket_version WHERE ticket_id = 'T4'") == [(2,)]
    assert rows(db, "SELECT closed_at, closed_on_time, overdue_open, satisfaction FROM hotline_ticket WHERE ticket_id = 'T4'") == [
        (ts("2024-05-10 16:00:00"), True, False, "满意")
    ]
    # the department's score follows: 市甲局 now has no overdue ticket → 100 − 0.5 + 5
    assert rows(db, "SELECT score FROM hotline_dept_score WHERE department = '市甲局'") == [(104.5,)]


def test_every_reject_reason_names_file_row_column(tmp_path):
    header = (FIXTURES / "hotline_kpi.csv").read_text(encoding="utf-8").splitlines()[0]
    body = [
        "B1,2024-03-05 25:07:00,电话,咨询,,麒麟区,,当场答复,,,,,0,,,,",  # row 2: time
        "B2,2024-03-05 10:00:00,电话,求助,,麒麟区,市甲局,派单,,,,2024-03-01 10:00:00,0,,,,",  # row 3: closed before received
        "B3,2024-03-05 10:00:00,电话,投诉,,麒麟区,市甲局,派单,,,,,3,,,,",  # row 4: extensions
        "B4,2024-03-05 10:00:00,电话,吐槽,,麒麟区,市甲局,派单,,,,,0,,,,",  # row 5: category
        "B5,2024-03-05 10:00:00,电话,求助,,火星区,市甲局,派单,,,,,0,,,,",  # row 6: county
        "B6,2024-03-05 10:00:00,电话,求助,,麒麟区,市甲局,派单,,,,,0,,,,",  # rows 7, 8: same ticket, different content
        "B6,2024-03-05 10:00:00,电话,求助,道路,麒麟区,市甲局,派单,,,,,0,,,,",
        "B7,2024-03-05 10:00:00,电话,求助,,麒麟区,市甲局,派单,,,,,0,,,,",  # row 9: good
        "B7,2024-03-05 10:00:00,电话,求助,,麒麟区,市甲局,派单,,,,,0,,,,",  # row 10: exact duplicate, loaded once
        "B8,2019-12-31 10:00:00,电话,求助,,麒麟区,市甲局,派单,,,,,0,,,,",  # row 11: before the calendar
    ]
    f = tmp_path / "src" / "bad.csv"
    f.parent.mkdir()
    f.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    db = load(tmp_path, f)
    got = rows(db, 'SELECT row, "column", reason FROM hotline_reject ORDER BY row, "column"')
    assert got == [
        (2, "受理时间", "时间无法解析"),
        (3, "办结时间", "办结时间早于受理时间"),
        (4, "延期次数", "延期次数应为 0、1 或 2"),
        (5, "诉求类型", "未知诉求类型"),
        (6, "所属区县", "未知区县"),
        (7, "工单编号", "同一文件内同一工单编号出现多次且内容不同"),
        (8, "工单编号", "同一文件内同一工单编号出现多次且内容不同"),
        (11, "受理时间", "受理时间早于工作日历的起点（2020-01-01）"),
    ]
    assert rows(db, "SELECT ticket_id FROM hotline_ticket") == [("B7",)]
    assert rows(db, "SELECT status, rows_in, rows_loaded, rows_rejected FROM etl_run WHERE source = 'bad.csv'") == [("success", 10, 1, 8)]


def test_file_missing_a_required_column_is_rejected_whole(tmp_path):
    f = tmp_path / "src" / "no-time.csv"
    f.parent.mkdir()
    f.write_text("工单编号,诉求类型,所属区县\nX1,咨询,麒麟区\n", encoding="utf-8")
    db = load(tmp_path, FIXTURES / "hotline_kpi.csv", f)  # the run goes on and publishes the good file
    assert rows(db, "SELECT count(*) FROM hotline_ticket") == [(7,)]
    ((status, message),) = rows(db, "SELECT status, message FROM etl_run WHERE source = 'no-time.csv'")
    assert status == "rejected"
    assert message.startswith("no-time.csv: missing required column(s) 受理时间; columns found: 工单编号, 诉求类型, 所属区县")
    assert "warehouse/reference/header_alias.csv" in message  # where to teach it another platform's headers
    assert rows(db, "SELECT source_file, row, reason FROM hotline_reject") == [("no-time.csv", None, message)]


# ---------------------------------------------------------------- demo data
def test_demo_files_are_deterministic_and_go_through_ingestion(tmp_path):
    from etl.demo import BAD_ROWS, write_files

    a = write_files(tmp_path / "a", n=4000, seed=7, first="2024-01", last="2024-12")
    b = write_files(tmp_path / "b", n=4000, seed=7, first="2024-01", last="2024-12")
    assert [p.name for p in a] == [p.name for p in b]
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(a, b, strict=True) if p.suffix == ".csv")
    kinds = {p.suffix for p in a}
    assert kinds == {".csv", ".xlsx"} and any("更新导出" in p.name for p in a)
    gb = [p for p in a if p.suffix == ".csv" and not p.read_bytes().startswith(b"\xef\xbb\xbf")]
    assert any(_is_gb18030_only(p) for p in gb)
    db = tmp_path / "w.duckdb"
    run(tmp_path / "a", db, tmp_path / "lake")
    # 4,000 drawn, plus the planted events: a surge of at least 30 tickets and one caller's 4 (etl.demo.PLANTED)
    from etl.demo import PLANTED, generate

    drawn = generate(n=4000, seed=7, first="2024-01", last="2024-12")[0].height
    assert drawn - 4000 >= PLANTED["surge"]["min_extra"] + len(PLANTED["repeat_caller"]["days"])
    assert rows(db, "SELECT count(*), bool_and(is_demo) FROM hotline_ticket") == [(drawn, True)]
    reasons = {r[0] for r in rows(db, "SELECT reason FROM hotline_reject")}
    assert {reason for _, _, reason in BAD_ROWS} | {"同一文件内同一工单编号出现多次且内容不同"} == reasons
    # fictional callers only: every phone starts with 100, which no Chinese mobile number does
    for p in a:
        if p.suffix == ".csv" and not _is_gb18030_only(p):
            phones = pl.read_csv(p, infer_schema=False)["联系电话"].drop_nulls()
            assert phones.str.starts_with("100").all()


def _is_gb18030_only(p: Path) -> bool:
    try:
        p.read_bytes().decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def test_demo_cli(tmp_path, capsys):
    from etl.__main__ import main

    assert main(["demo", "--inbox", str(tmp_path), "--tickets", "500", "--seed", "1", "--from", "2024-01", "--to", "2024-03"]) == 0
    # 3 monthly exports + 1 update export; 年度考评 (XLSX) and 季度自评 (CSV) for 2022–2025; one file of indicator actuals
    assert "wrote 13 file(s)" in capsys.readouterr().out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert sum("12345工单_演示" in n for n in names) == 4 and sum("燃气特许经营" in n for n in names) == 8
    assert "规划指标监测_演示_2021-2025.csv" in names


def test_page_files_thin():
    assert (ROOT / "pages" / "hotline.py").read_text(encoding="utf-8").strip().splitlines() == [
        "from dashboard.views.hotline import render",
        "",
        "render()",
    ]


# ---------------------------------------------------------------- the page
@pytest.fixture(scope="module")
def hotline_app_db(tmp_path_factory):
    from tests.conftest import GAZETTE

    root = tmp_path_factory.mktemp("hlapp")
    bad = root / "src" / "坏文件.csv"
    bad.parent.mkdir()
    bad.write_text("工单编号,受理时间\nX1,2024-01-01 10:00\n", encoding="utf-8")  # no 诉求类型: rejected whole
    return load(root, GAZETTE, FIXTURES / "hotline_kpi.csv", bad)


@pytest.fixture
def hotline_app(hotline_app_db, monkeypatch):
    with serving(hotline_app_db, monkeypatch):
        yield


def _page(name, tab: str | None = None):
    """A page's run; `tab` opens that tab (a page draws only its open tab, as the URL names it)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(f"from dashboard.views.{name} import render\nrender()\n", default_timeout=60)
    if tab:
        at.query_params[TAB_KEY[name]] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


TAB_KEY = {"hotline": "hl_tab", "plan": "plan_tab", "concession": "gas_tab"}


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_overview_compares_with_the_previous_period_when_it_has_data(hotline_app):
    """April–July 2024 holds T3, T4 and T5 (3 tickets); December 2023–March 2024 holds T1, T2, T6 and T7 (4):
    环比 −1 件. April–July 2023 holds none: no 同比."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("from dashboard.views.overview import render\nrender()\n", default_timeout=60)
    at.query_params["from"] = "2024-04"
    at.query_params["to"] = "2024-07"
    at.run()
    assert not at.exception
    card = next(m for m in at.metric if m.label == "工单量")
    assert (card.value, card.delta) == ("3 件", "-1 件（环比）")  # the sign first: Streamlit's arrow reads it
    assert "同比 —（去年同期无工单数据）" in [c.value for c in at.caption]


def test_ranking_needs_enough_tickets(hotline_app):
    """Seven tickets: no unit has the 20 due tickets a ranking needs (hotline_settings ranking_min_volume)."""
    at = _page("hotline", "红黑榜")
    assert any(i.value == "暂无排名：当期应办结件不足 20 件的单位不参加排名。" for i in at.info)


def test_hotline_page_kpis_and_filters(hotline_app):
    at = _page("hotline")
    m = _metrics(at)
    assert m["工单量"] == "7 件"
    assert m["办结率（目标 ≥100%）"] == "83.3%"  # 5 closed of 6 due (T5 is 在办)
    assert any(c.value == "应办结件 6 件；在办件 1 件（时限未到，不计入）" for c in at.caption)
    assert m["按期办结率（目标 ≥95%）"] == "80.0%"  # 4 / 5
    assert m["满意率（目标 ≥95%）"] == "66.7%"  # 2 / 3
    assert m["逾期未办结"] == "1 件" and m["签收及时率"] == "50.0%" and m["平均办结用时（工作日）"] == "7.60"
    badges = [md.value for md in at.markdown if "-badge[" in md.value]
    assert badges == [":red-badge[:material/close: 未达标]"] * 3
    assert not any("演示数据" in w.value for w in at.warning)
    overdue = next(df.value for df in _page("hotline", "逾期未办结").dataframe if "工单编号" in df.value.columns)
    assert list(overdue["工单编号"]) == ["T4"]

    at.multiselect(key="g_departments").select("市乙局").run()
    m = _metrics(at)
    assert (m["工单量"], m["办结率（目标 ≥100%）"], m["按期办结率（目标 ≥95%）"]) == ("2 件", "100.0%", "100.0%")
    at.multiselect(key="g_departments").unselect("市乙局").run()
    at.multiselect(key="g_counties").select("宣威市").run()  # T3 (typed 宣威) and T4
    m = _metrics(at)
    assert (m["工单量"], m["办结率（目标 ≥100%）"], m["逾期未办结"]) == ("2 件", "50.0%", "1 件")
    # the months run from the chronicle (2022-08) to the last ticket (2024-07)
    assert any(m.value.startswith("**当前筛选：** 宣威市 · 2022-08 至 2024-07") for m in at.markdown)


@pytest.mark.parametrize(
    ("quick", "months"),
    [
        ("本月", ("2024-07", "2024-07")),
        ("近三月", ("2024-05", "2024-07")),
        ("本年", ("2024-01", "2024-07")),
        ("全部", ("2022-08", "2024-07")),
    ],
)
def test_quick_month_ranges_end_at_the_latest_month_with_data(hotline_app, quick, months):
    """The data runs from the chronicle's 2022-08 to the last ticket's 2024-07: 本月 is 2024-07, never the clock's."""
    at = _page("hotline")
    at.button_group(key="g_quick").set_value(quick).run()
    assert not at.exception
    assert (at.selectbox(key="g_from").value, at.selectbox(key="g_to").value) == months
    assert (at.query_params["from"], at.query_params["to"]) == months
    assert any(m.value.startswith(f"**当前筛选：** 全市 · {months[0]} 至 {months[1]}") for m in at.markdown)


def test_department_table_carries_the_score(hotline_app):
    at = _page("hotline", "承办单位")
    dept = next(df.value for df in at.dataframe if "承办单位" in df.value.columns and "考核得分(分)" in df.value.columns)
    assert dict(zip(dept["承办单位"], dept["考核得分(分)"], strict=True)) == {"市甲局": 103.5, "市乙局": 105.0}
    # opened in rank order, the rank and the score first (visible without scrolling on a phone)
    assert list(dept.columns[:3]) == ["排名", "承办单位", "考核得分(分)"]
    assert dept[["排名", "承办单位"]].values.tolist() == [[1, "市乙局"], [2, "市甲局"]]


def test_overview_and_status_show_the_hotline(hotline_app):
    at = _page("overview")
    assert _metrics(at)["工单量"] == "7 件"
    # the 7 tickets span 2024-01..2024-07: the previous 7 months and a year earlier hold none, so no change is shown
    assert not any(m.delta for m in at.metric if m.label.startswith(("工单量", "办结率", "按期办结率")))
    captions = [c.value for c in at.caption]
    assert captions.count("环比 —（上期无工单数据）；同比 —（去年同期无工单数据）") == 1  # said once for the section
    at = _page("status")
    rejects = next(df.value for df in at.dataframe if "原因" in df.value.columns)
    assert list(rejects["文件"]) == ["坏文件.csv"] and "missing required column(s) 诉求类型" in rejects["原因"][0]


def test_english_headers_and_time_formats(tmp_path):
    """English column names; times as 2024/3/5 14:07, as an Excel serial number (45356.5 = 2024-03-05 12:00), ISO."""
    f = tmp_path / "src" / "export-en.csv"
    f.parent.mkdir()
    f.write_text(
        "ticket_id,received_at,channel,category,county,department,handling,closed_at,extensions,satisfaction\n"
        "E1,2024/3/5 14:07,APP,咨询,陆良,,当场答复,,0,满意\n"
        "E2,45356.5,短信,求助,师宗县,市民政局,派单,2024-03-06 09:30:00,,\n",
        encoding="utf-8",
    )
    db = load(tmp_path, f)
    assert rows(db, "SELECT ticket_id, received_at, county, closed_at, workdays_to_close FROM hotline_ticket ORDER BY 1") == [
        ("E1", ts("2024-03-05 14:07:00"), "陆良县", ts("2024-03-05 14:07:00"), 0),
        ("E2", ts("2024-03-05 12:00:00"), "师宗县", ts("2024-03-06 09:30:00"), 1),
    ]


def test_opening_the_county_profile_leaves_the_global_filter_alone(hotline_app):
    """Opened at 全市, 区县画像 asks for a county and shows the map to click; the filter of every page stays 全市."""
    at = _page("county")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox[0].value is None and at.session_state["scope"].counties == ()
    assert "county" not in at.query_params
    assert any("请选择一个县（市、区）" in i.value for i in at.info) and not at.metric
    at.run()  # a rerun (any widget) changes nothing either
    assert at.session_state["scope"].counties == ()


def test_county_profile(hotline_app):
    at = _page("county")
    at.selectbox(key=at.selectbox[0].key).select("宣威市").run()
    assert not at.exception, [e.value for e in at.exception]
    m = {x.label: (x.value, x.delta) for x in at.metric}
    # 宣威市: T3 (closed late, 不满意) and T4 (open, overdue); the city: 5 of 7 closed = 71.4%
    assert m["工单量"][0] == "2 件"
    assert m["办结率（目标 ≥100%）"] == ("50.0%", "-33.3 个百分点")  # 1 of 2 due; city 5 of 6
    assert "变化为与全市相比；全市 83.3%" in [c.value for c in at.caption]
    assert m["按期办结率（目标 ≥95%）"][0] == "0.0%"
    assert m["提及该县区的大事记"][0] == "6 条"  # August 2022 entries naming 宣威
    assert any(md.value.startswith("**当前筛选：** 宣威市") for md in at.markdown)
    assert at.session_state["scope"].counties == ("宣威市",)  # the choice is the global filter the links carry


def test_time_columns_in_one_format_with_odd_cells():
    """Most cells in the export's own format, a few written otherwise: all are read, the odd ones by the
    slower every-format path (2,500 ISO cells, so the sample sees only ISO)."""
    from etl.sources.hotline import parse_times

    cells = ["2024-03-05 14:07:00"] * 2500 + ["2024/3/5 14:07", "45356.5", "2024-03-05", None, "昨天"]
    got = parse_times(pl.DataFrame({"t": cells}), "t").to_list()
    assert got[0] == got[2500] == dt.datetime(2024, 3, 5, 14, 7)
    assert got[2501:] == [dt.datetime(2024, 3, 5, 12, 0), dt.datetime(2024, 3, 5), None, None]


def test_caller_key_and_lake_written_before_it(tmp_path):
    """caller_hash is the first 64 bits of sha256(salt ‖ digits), worked out here with hashlib. A lake
    partition from before (the 64 hex digits as text) is upgraded in place and publishes alongside."""
    import hashlib

    import pyarrow as pa
    import pyarrow.parquet as pq

    db = load(tmp_path, FIXTURES / "hotline_kpi.csv")
    salt = (tmp_path / "lake" / ".caller_salt").read_text().strip()
    t1 = int(hashlib.sha256((salt + "13912345678").encode()).hexdigest()[:16], 16)
    assert rows(db, "SELECT caller_hash FROM hotline_ticket WHERE ticket_id = 'T1'") == [(t1,)]

    assert (tmp_path / "lake" / ".lake-version").read_text() == "2"
    # a lake from before versions were recorded, holding an older partition of another export: same tickets
    # renamed, the hash as 64 hex digits
    (tmp_path / "lake" / ".lake-version").unlink()
    new = next((tmp_path / "lake" / "hotline").glob("*/tickets.parquet"))
    old_dir = new.parent.with_name("file=old-export")
    old_dir.mkdir()
    table = pq.read_table(new)
    full = hashlib.sha256((salt + "13912345678").encode()).hexdigest()
    legacy = table.set_column(
        table.schema.get_field_index("ticket_id"), "ticket_id", pa.array([f"OLD-{t}" for t in table["ticket_id"].to_pylist()])
    )
    legacy = legacy.set_column(legacy.schema.get_field_index("caller_hash"), "caller_hash", pa.array([full] * legacy.num_rows))
    pq.write_table(legacy, old_dir / "tickets.parquet")

    run(tmp_path / "inbox", db, tmp_path / "lake", as_of=AS_OF)
    assert pq.read_schema(old_dir / "tickets.parquet").field("caller_hash").type == pa.uint64()
    assert rows(db, "SELECT DISTINCT caller_hash FROM hotline_ticket WHERE ticket_id LIKE 'OLD-%'") == [(t1,)]
    assert rows(db, "SELECT count(*) FROM hotline_ticket") == [(14,)]
    assert (tmp_path / "lake" / ".lake-version").read_text() == "2"


def test_a_lake_migration_runs_once_not_on_every_run(tmp_path, monkeypatch):
    from etl import pipeline

    db = load(tmp_path, FIXTURES / "hotline_kpi.csv")
    monkeypatch.setattr(pipeline.hotline, "upgrade_lake", lambda lake_dir: pytest.fail("migration ran on a migrated lake"))
    run(tmp_path / "inbox", db, tmp_path / "lake", as_of=AS_OF)


def test_a_ticket_opens_from_its_list_with_its_steps_and_deadlines(hotline_app):
    """T4 (求助, received Mon 6 May 2024 09:00, 派单 to 市甲局, never closed): 一般时限 Thu 9 May, 最长时限 Sat 11 May
    (a 调休 working day); at the cut-off, 31 July, it is 57 working days past it (15 in May after the 11th, 19 in
    June without 端午 on the 10th, 23 in July)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("from dashboard.views.hotline import render\nrender()\n", default_timeout=60)
    at.query_params["ticket"] = "T4"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.value.startswith("**工单 T4** · 宣威市 · 市甲局") for m in at.markdown)
    steps = next(df.value for df in at.dataframe if list(df.value.columns) == ["环节", "时间", "说明"])
    rows = {r[0]: (r[1], r[2]) for r in steps.values.tolist()}
    assert rows["受理"] == ("2024-05-06 09:00", "电话 · 求助 · 交通出行")
    assert rows["一般时限"][0] == "2024-05-09 23:59" and rows["最长时限"][0] == "2024-05-11 23:59"
    assert rows["办结"] == ("—", "逾期未办结，已超最长时限 57 个工作日")
    assert rows["回访"] == ("—", "未回访")
    assert not any("13912345678" in str(v) or "测试乙" in str(v) for v in steps.values.ravel())  # no caller data
    assert at.query_params["ticket"] == "T4"  # the drill-through stays a link


def test_a_ticket_outside_the_accounts_scope_does_not_open(hotline_app, monkeypatch):
    """A 宣威市 account following a link to T1 (麒麟区) sees no ticket."""
    from streamlit.testing.v1 import AppTest

    from dashboard import auth
    from dashboard.auth import User

    monkeypatch.setattr(auth, "current_user", lambda: User("xw", "宣威", "县级", county="宣威市"))
    at = AppTest.from_string("from dashboard.views.hotline import render\nrender()\n", default_timeout=60)
    at.query_params["ticket"] = "T1"
    at.run()
    assert not any(m.value.startswith("**工单 T1**") for m in at.markdown)
    assert any("T1 不在当前筛选或您的查看范围内" in i.value for i in at.info)
