"""The ETL end to end: fresh inbox, idempotent re-runs, failures that leave the served warehouse alone,
a second gazette issue, and the app's reader surviving a publish."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from decimal import Decimal

import duckdb
import polars as pl
import pytest

from etl import lake as lake_mod
from etl import publish
from etl.__main__ import main
from etl.pipeline import RunFailed, run
from tests.conftest import GAZETTE, MINI_GAZETTE, ROOT, build_warehouse, fetch

CONTENT_TABLES = [
    "plan_indicator",
    "plan_investment",
    "plan_project",
    "hotline_line",
    "chronicle_event",
    "chronicle_event_leader",
    "chronicle_event_county",
    "personnel_change",
    "gazette_document",
    "dq_finding",
    "calendar",
    "county",
    "department",
]


def snapshot(db) -> dict[str, str]:
    """A content hash per table, order-independent."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for t in CONTENT_TABLES:
            rows = sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
            out[t] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return out
    finally:
        con.close()


def count(db, sql) -> int:
    return fetch(db, sql)[0][0]


def test_fresh_inbox_through_the_cli(tmp_path, monkeypatch, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(GAZETTE, inbox / GAZETTE.name)
    db = tmp_path / "wh" / "warehouse.duckdb"
    monkeypatch.setenv("DASHBOARD_INBOX", str(inbox))
    monkeypatch.delenv("DASHBOARD_LAKE", raising=False)
    assert main(["run", "--db", str(db), "--as-of", "2026-11-29 21:00"]) == 0  # the run's time: the calendar ends 2027
    assert "ETL success" in capsys.readouterr().out
    assert count(db, "SELECT count(*) FROM plan_indicator") == 20
    assert count(db, "SELECT count(*) FROM chronicle_event") == 186
    assert count(db, "SELECT count(*) FROM hotline_line") == 38
    assert count(db, "SELECT amount_wan FROM plan_investment WHERE year IS NULL AND category = '合计' AND source = '合计'") == Decimal(
        "5757153.29"
    )
    # the analysis view leaves the printed totals out: 9 categories × 3 sources per table
    assert count(db, "SELECT count(*) FROM v_plan_investment_detail WHERE year IS NULL") == 27
    assert count(db, "SELECT count(*) FROM department") == 30
    assert count(db, "SELECT count(*) FROM calendar") == 2922  # 2020-01-01 … 2027-12-31
    assert count(db, "SELECT count(*) FROM dq_finding WHERE domain = 'calendar' AND severity = 'warning'") == 1
    assert count(db, "SELECT count(*) FROM etl_run WHERE status = 'success' AND source = 'publish'") == 1
    assert (tmp_path / "wh" / "lake" / "gazette" / "issue=2022-09" / "chronicle_event.parquet").exists()
    assert main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "chronicle_event" in out and "186" in out


def test_rerun_is_idempotent(tmp_path):
    inbox, db, lake = build_warehouse(tmp_path, GAZETTE)
    before = snapshot(db)
    run(inbox, db, lake)
    assert snapshot(db) == before
    # the run log grows by one run; nothing else does
    assert count(db, "SELECT count(DISTINCT run_id) FROM etl_run") == 2


def test_failed_run_leaves_the_served_warehouse(tmp_path, monkeypatch):
    inbox, db, lake = build_warehouse(tmp_path, GAZETTE)
    before_bytes = db.read_bytes()
    reader = duckdb.connect(str(db), read_only=True)  # the app holds a read-only connection meanwhile

    def broken_checks(con):
        raise publish.CheckFailed("warehouse checks failed: simulated")

    monkeypatch.setattr(publish, "run_checks", broken_checks)
    with pytest.raises(RunFailed, match="simulated"):
        run(inbox, db, lake)
    assert db.read_bytes() == before_bytes
    assert reader.execute("SELECT count(*) FROM chronicle_event").fetchone()[0] == 186
    reader.close()
    assert not list(db.parent.glob(".warehouse.duckdb.building-*"))  # no half-built file left behind
    runs = pl.read_parquet(sorted((lake / "etl_run").glob("*.parquet")))
    failed = runs.filter(pl.col("status") == "failed")
    assert failed.height == 1 and "simulated" in failed["message"][0]


def test_killed_run_leaves_the_served_warehouse(tmp_path):
    """A real process killed in the middle of a publish (SIGKILL while building)."""
    inbox, db, lake = build_warehouse(tmp_path, GAZETTE)
    before = snapshot(db)
    script = (
        f"import os, signal, sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from etl import publish\n"
        "def die(con): os.kill(os.getpid(), signal.SIGKILL)\n"
        "publish.run_checks = die\n"
        "from etl.pipeline import run; from pathlib import Path\n"
        f"run(Path({str(inbox)!r}), Path({str(db)!r}), Path({str(lake)!r}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -9
    assert snapshot(db) == before
    # the next run cleans up and publishes normally
    run(inbox, db, lake)
    assert snapshot(db) == before


def test_bad_file_fails_with_its_name_and_keeps_the_warehouse(tmp_path, capsys):
    inbox, db, lake = build_warehouse(tmp_path, GAZETTE)
    before = snapshot(db)
    (inbox / "broken-公报.txt").write_text("曲靖市人民政府 公报\n\n没有期号\n", encoding="utf-8")
    assert main(["run", "--inbox", str(inbox), "--db", str(db), "--lake", str(lake)]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("ETL failed: broken-公报.txt:") and "2022.9" in err
    assert snapshot(db) == before


def test_gb18030_gazette_loads_like_utf8(tmp_path):
    gbk = tmp_path / "src" / "qujing-gazette-2022-10-gbk.txt"
    gbk.parent.mkdir()
    gbk.write_bytes(MINI_GAZETTE.read_text(encoding="utf-8").encode("gb18030"))
    _, db, _ = build_warehouse(tmp_path, gbk)
    assert count(db, "SELECT count(*) FROM chronicle_event WHERE issue = '2022-10'") == 3
    assert count(db, "SELECT count(*) FROM chronicle_event_leader WHERE leader = '李先祥'") == 1


def test_undecodable_gazette_is_named(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "bad-gazette.txt").write_bytes("曲靖市人民政府 公报\n2022.9\n".encode() + b"\xff\xff\xff")
    with pytest.raises(
        RunFailed,
        match=r"bad-gazette.txt: neither UTF-8 nor GB18030 \(first undecodable byte at line \d+, byte \d+ of the line \(offset \d+\)\)",
    ):
        run(inbox, tmp_path / "w.duckdb", tmp_path / "lake")
    assert not (tmp_path / "w.duckdb").exists()


def test_empty_inbox_republishes_the_lake_and_missing_inbox_fails(tmp_path):
    inbox, db, lake = build_warehouse(tmp_path, GAZETTE)
    before = snapshot(db)
    for f in inbox.iterdir():
        f.unlink()
    run(inbox, db, lake)
    assert snapshot(db) == before  # loaded issues stay: the warehouse is built from the lake
    with pytest.raises(RunFailed, match="inbox folder .* does not exist"):
        run(tmp_path / "no-such-inbox", db, lake)
    assert snapshot(db) == before


def test_unknown_file_is_skipped_and_logged(tmp_path):
    inbox, db, lake = build_warehouse(tmp_path, GAZETTE)
    (inbox / "notes.docx").write_bytes(b"PK\x03\x04")
    run(inbox, db, lake)
    assert count(db, "SELECT count(*) FROM etl_run WHERE source = 'notes.docx' AND status = 'skipped'") == 1


def test_second_issue_adds_its_own_rows(tmp_path):
    inbox, db, lake = build_warehouse(tmp_path, GAZETTE)
    first = snapshot(db)
    shutil.copy2(MINI_GAZETTE, inbox / MINI_GAZETTE.name)
    run(inbox, db, lake)
    con = duckdb.connect(str(db), read_only=True)
    try:
        issues = dict(con.execute("SELECT issue, count(*) FROM chronicle_event GROUP BY issue").fetchall())
        assert issues == {"2022-09": 186, "2022-10": 3}
        ev = con.execute("SELECT date_start, date_end, text FROM chronicle_event WHERE issue = '2022-10' ORDER BY event_id").fetchall()
        assert [(str(a), str(b)) for a, b, _ in ev] == [
            ("2022-09-01", "2022-09-01"),
            ("2022-09-02", "2022-09-03"),
            ("2022-09-05", "2022-09-05"),
        ]
        assert ev[1][2].endswith("副市长何长松参加。")  # rejoined across the page break
        leaders = con.execute("SELECT event_id, leader FROM chronicle_event_leader WHERE issue = '2022-10' ORDER BY ALL").fetchall()
        assert leaders == [("2022-10-001", "吴静"), ("2022-10-002", "何长松"), ("2022-10-002", "李先祥"), ("2022-10-003", "刘本芳")]
        counties = con.execute("SELECT event_id, county FROM chronicle_event_county WHERE issue = '2022-10' ORDER BY ALL").fetchall()
        assert counties == [("2022-10-001", "宣威市"), ("2022-10-003", "沾益区"), ("2022-10-003", "马龙区")]  # old names normalised
        docs = con.execute("SELECT doc_no, issued_on FROM gazette_document WHERE issue = '2022-10' ORDER BY ALL").fetchall()
        assert [(d, str(i)) for d, i in docs] == [("曲政任〔2022〕21号", "None"), ("曲政办发〔2022〕80号", "2022-09-20")]
        assert con.execute("SELECT name, action, post FROM personnel_change WHERE issue = '2022-10' ORDER BY source_line").fetchall() == [
            ("张三", "任", "曲靖市测试中心主任"),
            ("李四", "免", "曲靖市测试中心副主任"),
        ]
        assert con.execute("SELECT count(*) FROM plan_indicator WHERE issue = '2022-10'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM dq_finding WHERE issue = '2022-10'").fetchone()[0] == 0
    finally:
        con.close()
    # the first issue's rows are untouched
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM chronicle_event WHERE issue = '2022-09'").fetchone()[0] == 186
    finally:
        con.close()
    assert snapshot(db)["plan_indicator"] == first["plan_indicator"]
    # loading both again changes nothing
    both = snapshot(db)
    run(inbox, db, lake)
    assert snapshot(db) == both


def test_app_reader_reconnects_after_publish(tmp_path, monkeypatch):
    from dashboard import db as appdb

    inbox, db, lake = build_warehouse(tmp_path, GAZETTE)
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    appdb.close()
    try:
        assert appdb.query("SELECT count(*) AS n FROM chronicle_event")["n"][0] == 186
        shutil.copy2(MINI_GAZETTE, inbox / MINI_GAZETTE.name)
        run(inbox, db, lake)  # publishes while the app's connection is open
        assert appdb.query("SELECT count(*) AS n FROM chronicle_event")["n"][0] == 189
    finally:
        appdb.close()


def test_the_app_caps_duckdbs_memory(warehouse, monkeypatch):
    """Uncapped, DuckDB's cache in the app grew to 1.7 GB of RSS on a 100 M-ticket warehouse (docs/PERFORMANCE.md)."""
    from dashboard import db as appdb

    monkeypatch.setenv("DASHBOARD_DB", str(warehouse))
    appdb.close()
    try:
        limit = appdb.query("SELECT current_setting('memory_limit') AS m")["m"][0]
    finally:
        appdb.close()
    assert limit == "953.6 MiB"  # 1 GB (10^9 bytes), as DuckDB prints it


def test_two_files_for_one_issue_fail_the_run(tmp_path):
    inbox, db, lake = build_warehouse(tmp_path, GAZETTE)
    before = snapshot(db)
    shutil.copy2(GAZETTE, inbox / "copy-of-2022-09.txt")
    with pytest.raises(RunFailed, match="more than one file for gazette issue\\(s\\) 2022-09"):
        run(inbox, db, lake)
    assert snapshot(db) == before


def test_a_failed_run_stages_nothing_into_the_lake(tmp_path):
    """Tabular files are staged as they are read; a run that fails later leaves the lake as it was."""
    inbox, db, lake = build_warehouse(tmp_path, GAZETTE)
    shutil.copy2(ROOT / "tests" / "fixtures" / "hotline_kpi.csv", inbox / "hotline_kpi.csv")
    shutil.copy2(GAZETTE, inbox / "copy-of-2022-09.txt")
    with pytest.raises(RunFailed):
        run(inbox, db, lake)
    assert not (lake / "hotline").exists()
    assert not list(lake.glob(".staging-*"))
    (inbox / "copy-of-2022-09.txt").unlink()
    run(inbox, db, lake)
    assert [p.name for p in (lake / "hotline").iterdir()] == [lake_mod.file_partition("hotline_kpi.csv")]
