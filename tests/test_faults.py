"""Faults the ETL must survive: SIGKILL at several points, the app querying while a new warehouse is
published, and a catalogue of bad inputs, each named in the run log without losing published data."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl.pipeline import run
from tests.conftest import GAZETTE, MINI_GAZETTE, ROOT, fetch

FIXTURES = Path(__file__).parent / "fixtures"
KPI = FIXTURES / "hotline_kpi.csv"


q = fetch


def published(db: Path) -> dict:
    return {
        "events": q(db, "SELECT count(*), count(DISTINCT event_id) FROM chronicle_event")[0],
        "tickets": q(db, "SELECT count(*), count(DISTINCT ticket_id) FROM hotline_ticket")[0],
        "versions": q(db, "SELECT count(*) FROM hotline_ticket_version")[0],
        "indicators": q(db, "SELECT count(*) FROM plan_indicator")[0],
    }


@pytest.fixture
def loaded(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for f in (GAZETTE, KPI):
        shutil.copy2(f, inbox / f.name)
    db, lake = tmp_path / "w.duckdb", tmp_path / "lake"
    run(inbox, db, lake)
    return inbox, db, lake


KILL_POINTS = {
    "extracting": "etl.pipeline.parse_gazette",
    "staging a file": "etl.lake.write_partition",
    "moving staged files into the lake": "etl.lake.promote",
    "building": "etl.publish._fill",
    "just before the swap": "etl.publish.swap",
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_at_any_point_then_rerun(loaded, point):
    inbox, db, lake = loaded
    before = published(db)
    shutil.copy2(MINI_GAZETTE, inbox / MINI_GAZETTE.name)  # the run that gets killed has new data to load
    module, func = KILL_POINTS[point].rsplit(".", 1)
    script = (
        f"import os, signal, sys; sys.path.insert(0, {str(ROOT)!r})\n"
        f"import importlib; m = importlib.import_module({module!r})\n"
        "def die(*a, **k): os.kill(os.getpid(), signal.SIGKILL)\n"
        f"setattr(m, {func!r}, die)\n"
        "from etl.pipeline import run; from pathlib import Path\n"
        f"run(Path({str(inbox)!r}), Path({str(db)!r}), Path({str(lake)!r}))\n"
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


# (file name, content, expected run-log status, text the run log or the reject table must contain)
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
    ("09-future-date.csv", _csv(GOOD_ROW.replace("2024-03-05", "2026-12-31")), "success", "时间晚于当前时间"),
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
]


@pytest.mark.parametrize(("name", "content", "status", "text"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_bad_input_catalogue(loaded, name, content, status, text):
    inbox, db, lake = loaded
    before = published(db)
    (inbox / name).write_bytes(content)
    run(inbox, db, lake)
    ((got_status, message),) = q(db, f"SELECT status, message FROM etl_run WHERE source = '{name}' ORDER BY started_at DESC LIMIT 1")
    assert got_status == status, message
    if status == "rejected":
        assert message.startswith(name) and text in message  # the message names the file
    else:
        rejects = q(
            db,
            f"""SELECT row, "column", reason FROM hotline_reject WHERE source_file = '{name}'
                            UNION ALL SELECT row, "column", reason FROM concession_reject WHERE source_file = '{name}'
                            UNION ALL SELECT row, "column", reason FROM indicator_reject WHERE source_file = '{name}'""",
        )
        found = text in message or any(text in r[2] for r in rejects)
        assert found, (message, rejects)
        assert all(r[0] is not None and r[1] for r in rejects)  # every reject names its row and column
    after = published(db)
    assert after["events"] == before["events"] and after["indicators"] == before["indicators"]
    assert q(db, "SELECT count(*) FROM hotline_ticket WHERE ticket_id LIKE 'T%'") == [(7,)]  # nothing published is lost
