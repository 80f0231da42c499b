"""Faults the ETL must survive: SIGKILL at several points, the app querying while a new warehouse is
published, and a catalogue of bad inputs, each named in the run log without losing published data."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl.inbox import printable
from etl.pipeline import run
from tests.conftest import GAZETTE, KPI, MINI_GAZETTE, ROOT, fetch

q = fetch


def published(db: Path) -> dict:
    return {
        "events": q(db, "SELECT count(*), count(DISTINCT event_id) FROM chronicle_event")[0],
        "tickets": q(db, "SELECT count(*), count(DISTINCT ticket_id) FROM hotline_ticket")[0],
        "versions": q(db, "SELECT count(*) FROM hotline_ticket_version")[0],
        "indicators": q(db, "SELECT count(*) FROM plan_indicator")[0],
    }


KILL_POINTS = {
    "extracting": "etl.pipeline.parse_gazette",
    "staging a file": "etl.lake.write_partition",
    "moving staged files into the lake": "etl.lake.promote",
    "building": "etl.publish._fill",
    "patching a copy (incremental publish)": "etl.incremental.patch",
    "just before the swap": "etl.publish.swap",
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_at_any_point_then_rerun(loaded, point):
    inbox, db, lake = loaded
    before = published(db)
    shutil.copy2(MINI_GAZETTE, inbox / MINI_GAZETTE.name)  # the run that gets killed has new data to load
    module, func = KILL_POINTS[point].rsplit(".", 1)
    served_at = q(db, "SELECT value FROM warehouse_info WHERE key = 'run_at'")[0][0]
    script = (
        f"import os, signal, sys; sys.path.insert(0, {str(ROOT)!r})\n"
        f"import importlib; m = importlib.import_module({module!r})\n"
        "def die(*a, **k): os.kill(os.getpid(), signal.SIGKILL)\n"
        f"setattr(m, {func!r}, die)\n"
        "from etl.pipeline import run; from pathlib import Path; import datetime as dt\n"
        # the child has the real clock; this process's may be moved (make test-future): it runs at the served build's
        # time, so it builds the calendar the served warehouse has and takes the incremental path that one point kills
        f"run(Path({str(inbox)!r}), Path({str(db)!r}), Path({str(lake)!r}), as_of=dt.datetime.fromisoformat({served_at!r}))\n"
    )
    reader = duckdb.connect(str(db), read_only=True)  # the app is serving meanwhile
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=180)
    assert proc.returncode == -9, proc.stderr.decode()[-500:]
    assert reader.execute("SELECT count(*) FROM chronicle_event").fetchone()[0] == 186
    reader.close()
    assert published(db) == before  # the old warehouse is still the one served
    run(inbox, db, lake)  # the re-run completes
    after = published(db)
    assert after["events"] == (189, 189)  # 186 + the 3 of the second issue, none twice
    # each ticket came in one export only, so none has a version history
    assert after["tickets"] == (7, 7) and after["versions"] == (0,) and after["indicators"] == (20,)


def test_app_queries_while_a_warehouse_is_published(loaded, monkeypatch):
    from dashboard import db as appdb

    inbox, db, lake = loaded
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    appdb.close()
    seen, errors, stop = set(), [], threading.Event()

    def user():
        while not stop.is_set():
            try:
                seen.add(appdb.query("SELECT count(*) AS n FROM chronicle_event")["n"][0])
                appdb.query("SELECT county, count(*) FROM hotline_ticket GROUP BY 1")
            except Exception as e:  # noqa: BLE001 - any error fails the test
                errors.append(repr(e))

    threads = [threading.Thread(target=user) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.3)
        shutil.copy2(MINI_GAZETTE, inbox / MINI_GAZETTE.name)
        run(inbox, db, lake)
        time.sleep(0.5)
        (inbox / MINI_GAZETTE.name).unlink()
        shutil.rmtree(next((lake / "gazette").glob("issue=2022-10")))
        run(inbox, db, lake)
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join()
        appdb.close()
    assert errors == []
    assert seen == {186, 189}  # every answer came from the old or the new warehouse


def _xlsx_bytes(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_excel(buf)
    return buf.getvalue()


HEADER = KPI.read_text(encoding="utf-8").splitlines()[0]
GOOD_ROW = "Z1,2024-03-05 10:00:00,电话,求助,城乡建设,麒麟区,市甲局,派单,,,,,0,,,,"


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def _zip_cut() -> bytes:
    data = _xlsx_bytes(pl.read_csv(KPI, infer_schema=False))
    return data[: len(data) // 2]


def _row(ticket: str, **cells: str) -> str:
    """GOOD_ROW for another ticket with some cells replaced (by export column name)."""
    values = dict(zip(HEADER.split(","), GOOD_ROW.split(","), strict=True))
    values.update({"工单编号": ticket, **cells})
    return ",".join(values.values())


def _content(ticket: str, text: str) -> bytes:
    return _csv(_row(ticket, 诉求内容=text))


def _damaged_line_201() -> bytes:
    """250 good tickets (D1 on line 2); line 201, ticket D200, carries one byte that is not UTF-8."""
    rows = [_row(f"D{i}") for i in range(1, 251)]
    data = bytearray(_csv(*rows))
    at = data.index(b"\nD200,") + 1
    data[at + 1 : at + 1] = b"\xff"  # D\xff200
    return bytes(data)


def _gb18030_damaged() -> bytes:
    rows = [_row(f"G{i}") for i in range(1, 151)]
    data = bytearray(("\n".join([HEADER, *rows]) + "\n").encode("gb18030"))
    at = data.index(b"\nG99,") + 2
    data[at:at] = b"\xff"
    return bytes(data)


def _duplicate_header_xlsx() -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["工单编号", "受理时间", "诉求类型", "受理时间"])
    ws.write_row(1, 0, ["X1", "2024-03-05 10:00:00", "咨询", "2024-03-06 10:00:00"])
    wb.close()
    return buf.getvalue()


def _symlink(target_text: str):
    def make(inbox: Path, name: str) -> None:
        secret = inbox.parent / "secret.txt"
        secret.write_text(target_text, encoding="utf-8")
        (inbox / name).symlink_to(secret)

    return make


def _folder(inbox: Path, name: str) -> None:
    (inbox / name).mkdir()
    (inbox / name / "inner.csv").write_bytes(_csv(_row("IN1")))


def _fifo(inbox: Path, name: str) -> None:
    os.mkfifo(inbox / name)


def _gazette_variant(change):
    """A re-delivery of the loaded issue (2022 年第 9 期) that replaces the original in the inbox."""

    def make(inbox: Path, name: str) -> None:
        (inbox / GAZETTE.name).unlink()
        lines = GAZETTE.read_text(encoding="utf-8").splitlines()
        (inbox / name).write_text("\n".join(change(lines)) + "\n", encoding="utf-8")

    return make


def _without_plan_columns(lines: list[str]) -> list[str]:
    return ["（本期略）" if re.match(r"^\s*专栏\s*\d+", ln) else ln for ln in lines]


def _chronicle_twice(lines: list[str]) -> list[str]:
    i = next(k for k, ln in enumerate(lines) if ln.strip() == "8月份")
    return lines + lines[i:]


LIMIT_MB = 5  # DASHBOARD_MAX_INPUT_MB while the catalogue runs


# (file name, content (bytes, or a function that makes the inbox entry), expected run-log status, text the run
# log or the reject table must contain[, text that must appear in no stored column]). docs/FAULTS.md lists them.
CATALOGUE = [
    (
        "01-wrong-encoding.csv",
        "工单编号,受理时间,诉求类型\nW1,2024-03-05 10:00:00,咨询\n".encode("utf-16"),
        "rejected",
        "neither UTF-8 nor GB18030",
    ),
    ("02-empty.csv", b"", "rejected", "the file is empty"),
    ("03-header-only.csv", _csv(), "success", "载入 0 行"),
    ("04-truncated.xlsx", _zip_cut(), "rejected", "not a readable Excel workbook"),
    ("05-really-html.csv", b"<!DOCTYPE html><html><body>login expired</body></html>", "rejected", "web page"),
    (
        "06-huge-field.csv",
        _csv(GOOD_ROW.replace(",城乡建设,", ",城乡建设,").replace(",,,,0,,,,", ",,,,0,,," + "很长" * 200_000 + ",")),
        "success",
        "载入 1 行",
    ),
    ("07-unknown-columns.csv", ("工单编号,受理时间,诉求类型,神秘列\nU1,2024-03-05 10:00:00,咨询,x\n").encode(), "success", "载入 1 行"),
    ("08-formula-text.csv", _csv(GOOD_ROW.replace("Z1", "F1").replace("城乡建设", '=HYPERLINK("http://x")')), "success", "载入 1 行"),
    ("09-future-date.csv", _csv(GOOD_ROW.replace("2024-03-05", "2099-12-31")), "success", "时间晚于本次运行时刻"),
    ("10-tab-separated.csv", HEADER.replace(",", "\t").encode() + b"\n", "rejected", "tabs or semicolons"),
    ("11-missing-column.csv", "工单编号,诉求类型\nM1,咨询\n".encode(), "rejected", "missing required column(s) 受理时间"),
    ("12-bad-time.csv", _csv(GOOD_ROW.replace("2024-03-05 10:00:00", "三月五日")), "success", "时间无法解析"),
    ("13-extension-fraction.csv", _csv(GOOD_ROW.replace(",0,,,,", ",1.5,,,,")), "success", "延期次数应为 0、1 或 2"),
    ("14-unknown-category.csv", _csv(GOOD_ROW.replace("求助", "吐槽")), "success", "未知诉求类型"),
    ("15-unknown-county.csv", _csv(GOOD_ROW.replace("麒麟区", "外省")), "success", "未知区县"),
    ("16-closed-before-received.csv", _csv(GOOD_ROW.replace(",,,,0,", ",,,2024-03-01 08:00:00,0,")), "success", "办结时间早于受理时间"),
    ("17-duplicate-ticket.csv", _csv(GOOD_ROW, GOOD_ROW.replace("城乡建设", "社会保障")), "success", "出现多次且内容不同"),
    ("18-excel-serial-out-of-range.csv", _csv(GOOD_ROW.replace("2024-03-05 10:00:00", "9999999")), "success", "时间无法解析"),
    ("19-crlf-bom.csv", b"\xef\xbb\xbf" + _csv(GOOD_ROW.replace("Z1", "C1")).replace(b"\n", b"\r\n"), "success", "载入 1 行"),
    ("20-not-a-zip.xlsx", b"this is not excel", "rejected", "not an Excel workbook"),
    (
        "21-concession-score-too-high.csv",
        "企业名称,区县,考核期间,考核类型,指标编号,得分,扣分说明\n甲,麒麟区,2024,年度考评,1.1,60,\n".encode(),
        "success",
        "得分超出该项分值范围",
    ),
    ("22-indicator-bad-period.csv", "指标序号,区县,期间,数值,备注\n11,全市,2023Q5,60,\n".encode(), "success", "期间无法解析"),
    ("23-blank-lines.csv", _csv(GOOD_ROW.replace("Z1", "B1"), ",,,,,,,,,,,,,,,,"), "success", "缺少工单编号"),
    # issue 11: hostile and odd input
    ("24-utf8-bad-byte-line-201.csv", _damaged_line_201(), "success", "line 201"),
    ("25-gb18030-bad-byte.csv", _gb18030_damaged(), "success", "含有无法解码的字节"),
    ("26-iso-time-utc-z.csv", _csv(_row("Z26", 受理时间="2024-03-05T02:00:00Z")), "success", "载入 1 行"),
    ("27-iso-time-offset.csv", _csv(_row("Z27", 受理时间="2024-03-05T10:00:00+08:00")), "success", "载入 1 行"),
    (
        "28-duplicate-header.csv",
        (HEADER + ",受理时间\n" + GOOD_ROW + ",2024-03-06 10:00:00\n").encode(),
        "rejected",
        "appear more than once",
    ),
    (
        "29-two-headers-one-meaning.csv",
        "工单编号,ticket_id,受理时间,诉求类型\nA1,A2,2024-03-05 10:00:00,咨询\n".encode(),
        "rejected",
        "both mean 工单编号",
    ),
    ("30-nul-in-ticket-id.csv", _csv(_row("N\x0030")), "success", "控制字符"),
    ("31-visit-result-on-open-ticket.csv", _csv(_row("V31", 回访结果="满意")), "success", "工单未办结，不应有回访结果"),
    ("32-phone-in-county.csv", _csv(_row("P32", 所属区县="13912345678")), "success", "未知区县", "13912345678"),
    ("33-id-in-received-time.csv", _csv(_row("P33", 受理时间="530302199001011234")), "success", "时间无法解析", "530302199001011234"),
    ("34-over-size-limit.csv", _csv(_row("L34")) + b" " * (LIMIT_MB * 1024 * 1024 + 1), "rejected", "over the input limit"),
    ("35-duplicate-header.xlsx", _duplicate_header_xlsx(), "rejected", "appear more than once"),
    (
        "36-symlink-to-secret.txt",
        _symlink("曲靖市人民政府公报\n2022.9\nroot:x:0:0:SECRET-LINE\n"),
        "skipped",
        "symbolic link",
        "SECRET-LINE",
    ),
    ("37-folder-named.csv", _folder, "skipped", "a folder"),
    (".38-hidden.csv", _csv(_row("H38")), "skipped", "hidden file"),
    ("39-fifo.csv", _fifo, "skipped", "not a regular file"),
    ("40-name-with\nnewline.csv", _csv(_row("NL40")), "success", "载入 1 行"),
    ("41-gazette-without-plan-columns.txt", _gazette_variant(_without_plan_columns), "rejected", "规划专栏1 主要指标"),
    ("42-gazette-chronicle-twice.txt", _gazette_variant(_chronicle_twice), "success", "186 条大事记"),
    ("43-id-number-in-groups.csv", _content("P43", "身份证5303 0219 9001 0112 34办理"), "success", "载入 1 行", "0112"),
    ("44-mobile-with-dashes.csv", _content("P44", "请回电139-1234-5678谢谢"), "success", "载入 1 行", "1234-5678"),
    ("45-mobile-plus-86.csv", _content("P45", "联系+86 139 1234 5678"), "success", "载入 1 行", "1234 5678"),
    ("46-landline-with-space.csv", _content("P46", "座机0874 3121219"), "success", "载入 1 行", "3121219"),
    ("47-full-width-mobile.csv", _content("P47", "电话１３９１２３４５６７８"), "success", "载入 1 行", "５６７８"),
    ("48-only-bom.csv", b"\xef\xbb\xbf", "rejected", "is not a 12345 work-order export"),
    ("49-blank-bytes-only.csv", b"  \r\n\n \n", "rejected", "the file is empty"),
    ("50-newline-inside-quotes.csv", _csv(_row("Q50", 诉求内容='"第一行\n第二行"')), "success", "载入 1 行"),
    ("51-negative-extension.csv", _csv(_row("E51", 延期次数="-1")), "success", "延期次数应为 0、1 或 2"),
    ("52-received-in-1899.csv", _csv(_row("O52", 受理时间="1899-12-31 10:00:00")), "success", "受理时间早于工作日历的起点"),
    ("53-closed-in-2099.csv", _csv(_row("F53", 办结时间="2099-01-01 10:00:00")), "success", "时间晚于本次运行时刻"),
    ("54-excel-serial-time.csv", _csv(_row("S54", 受理时间="45356.5")), "success", "载入 1 行"),
    ("55-formula-ticket-id.csv", _csv(_row("=1+1")), "success", "载入 1 行"),
    ("56-sql-in-text.csv", _content("S56", "'); DROP TABLE hotline_ticket; --"), "success", "载入 1 行"),
    ("57-very-long-ticket-id.csv", _csv(_row("T" * 10_000)), "success", "载入 1 行"),
    (
        "58-five-thousand-columns.csv",
        (HEADER + "".join(f",x{i}" for i in range(5000)) + "\n" + GOOD_ROW.replace("Z1", "W58") + "," * 5000 + "\n").encode(),
        "success",
        "载入 1 行",
    ),
    (
        "59-concession-duplicate-header.csv",
        "企业名称,区县,考核期间,考核类型,指标编号,得分,得分\n甲,麒麟区,2024,年度考评,1.1,5,5\n".encode(),
        "rejected",
        "appear more than once",
    ),
    (
        "60-indicator-bad-byte.csv",
        "指标序号,区县,期间,数值,备注\n".encode() + b"11,\xff\xfe,2023,60,\n" + "11,麒麟区,2023,60,\n".encode() * 120,
        "success",
        "含有无法解码的字节",
    ),
    ("61-html-named-xlsx.xlsx", b"<html><body>session expired</body></html>", "rejected", "not an Excel workbook"),
    ("62-empty.xlsx", b"", "rejected", "the file is empty"),
    ("63-unicode-separator-in-name\u2028.csv", _csv(_row("U63")), "success", "载入 1 行"),
]


@pytest.mark.parametrize("case", CATALOGUE, ids=[printable(c[0]) for c in CATALOGUE])
def test_bad_input_catalogue(loaded, case, monkeypatch):
    name, content, status, text = case[:4]
    forbidden = case[4] if len(case) > 4 else None
    inbox, db, lake = loaded
    monkeypatch.setenv("DASHBOARD_MAX_INPUT_MB", str(LIMIT_MB))
    before = published(db)
    if callable(content):
        content(inbox, name)
    else:
        (inbox / name).write_bytes(content)
    run(inbox, db, lake)
    shown = printable(name)  # names are escaped in the run log
    ((got_status, message),) = q(db, "SELECT status, message FROM etl_run WHERE source = ? ORDER BY started_at DESC LIMIT 1", [shown])
    assert got_status == status, message
    assert "\n" not in message
    if status in ("rejected", "skipped"):
        assert message.startswith(shown) and text in message  # the message names the file
    else:
        rejects = q(
            db,
            """SELECT row, "column", reason FROM hotline_reject WHERE source_file = $1
               UNION ALL SELECT row, "column", reason FROM concession_reject WHERE source_file = $1
               UNION ALL SELECT row, "column", reason FROM indicator_reject WHERE source_file = $1""",
            [name],
        )
        found = text in message or any(text in r[2] for r in rejects)
        assert found, (message, rejects)
        assert all(r[0] is not None and r[1] for r in rejects)  # every reject names its row and column
    if forbidden:
        assert not stored_anywhere(db, forbidden), f"{forbidden!r} reached the warehouse"
    after = published(db)
    assert after["events"] == before["events"] and after["indicators"] == before["indicators"]
    assert q(db, "SELECT count(*) FROM hotline_ticket WHERE ticket_id LIKE 'T%' AND length(ticket_id) < 5") == [
        (7,)
    ]  # nothing published is lost


def stored_anywhere(db: Path, text: str) -> bool:
    """Whether a text occurs in any text column of any table or in the run log's messages."""
    tables = q(db, "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'")
    return any(q(db, f'SELECT count(*) FROM "{t}" WHERE contains("{c}", ?)', [text])[0][0] for t, c in tables)


def test_catalogue_figures(loaded, monkeypatch):
    """Values behind some catalogue cases, worked out by hand: UTC and +08:00 become the same local time; the
    damaged export keeps 249 of its 250 tickets; the doubled chronicle keeps 186 events and names 186 repeats."""
    inbox, db, lake = loaded
    monkeypatch.setenv("DASHBOARD_MAX_INPUT_MB", str(LIMIT_MB))
    cases = {c[0]: c[1] for c in CATALOGUE}
    for name in ("24-utf8-bad-byte-line-201.csv", "26-iso-time-utc-z.csv", "27-iso-time-offset.csv", "42-gazette-chronicle-twice.txt"):
        content = cases[name]
        content(inbox, name) if callable(content) else (inbox / name).write_bytes(content)
    run(inbox, db, lake)
    # 02:00 UTC is 10:00 in Beijing; 10:00+08:00 is 10:00
    assert q(db, "SELECT ticket_id, received_at::VARCHAR FROM hotline_ticket WHERE ticket_id IN ('Z26', 'Z27') ORDER BY 1") == [
        ("Z26", "2024-03-05 10:00:00"),
        ("Z27", "2024-03-05 10:00:00"),
    ]
    assert q(db, "SELECT count(*) FROM hotline_ticket WHERE ticket_id LIKE 'D%'") == [(249,)]
    assert q(db, "SELECT row, \"column\" FROM hotline_reject WHERE source_file LIKE '24-%'") == [(201, "工单编号")]
    ((message,),) = q(db, "SELECT message FROM etl_run WHERE source LIKE '24-%'")
    assert "line 201, byte 2 of the line" in message
    assert q(db, "SELECT count(*) FROM chronicle_event") == [(186,)]
    assert q(db, "SELECT count(*) FROM dq_finding WHERE check_name = 'chronicle_repeat'") == [(186,)]


def test_catalogue_is_documented():
    """docs/FAULTS.md lists every case of the catalogue with its expected outcome."""
    doc = (ROOT / "docs" / "FAULTS.md").read_text(encoding="utf-8")
    outcome = {"success": "loads", "rejected": "file rejected", "skipped": "skipped"}
    for name, _, status, text, *_ in CATALOGUE:
        line = next((ln for ln in doc.splitlines() if f"`{printable(name)}`" in ln), "")
        assert outcome[status] in line and text in line, name
    assert len(CATALOGUE) >= 60
