"""Incremental publish (issue 17): a run that brings new exports publishes from a copy of the served warehouse, and the
result is the full rebuild's, table by table; a change that may alter the past rebuilds in full and says why."""

from __future__ import annotations

import datetime as dt
import filecmp
import logging
import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl import calendar as cal
from etl import incremental, publish
from etl.config import calendar_end
from etl.lake import file_partition as lake_partition
from etl.pipeline import RUN_SCHEMA, latest_receipt, run
from etl.sources.gazette.checks import FINDING_SCHEMA
from tests.conftest import GAZETTE, fetch

DEMO = {"n": 4000, "seed": 11, "first": "2024-07", "last": "2025-05"}
LAST = "12345工单_演示_2025-05"  # the export that arrives after the first publish
LATE = "12345工单_演示_2025-02"  # an earlier month's export that arrives late
INFO = {"run_id": "test", "built_at": "2025-07-01T09:00:00"}
# the runs' times (and data cut-offs): the first publish, then every later run; both after the demo's last event, so no
# row is refused as future, and in the same year, so both build the same calendar
FIRST, NEXT = dt.datetime(2025, 6, 15), dt.datetime(2025, 7, 1)
# the rows of each row group of a table, as stored
STORED_GROUPS = "SELECT sum(count) FROM pragma_storage_info(?) WHERE column_id = 0 AND segment_type <> 'VALIDITY' GROUP BY row_group_id"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(root, inbox, db, lake, held): a warehouse published from every demo file but the last month's export and the
    re-export of later states (held back in root/held)."""
    from etl.demo import write_concession_files, write_files, write_indicator_files

    root = tmp_path_factory.mktemp("incremental")
    inbox, held = root / "inbox", root / "held"
    write_files(inbox, **DEMO)
    write_concession_files(inbox, seed=DEMO["seed"])
    write_indicator_files(inbox, seed=DEMO["seed"])
    shutil.copy2(GAZETTE, inbox / GAZETTE.name)
    held.mkdir()
    for f in [*inbox.glob("12345工单_演示_*2025-05*"), inbox / f"{LATE}.csv"]:
        shutil.move(f, held / f.name)
    run(inbox, root / "warehouse.duckdb", root / "lake", as_of=FIRST)
    return root, inbox, root / "warehouse.duckdb", root / "lake", held


def _own(served, tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """(inbox, db, lake, held) of a copy of the served folder, for a test to change."""
    root, *_, held = served
    work = tmp_path / "w"
    shutil.copytree(root, work, ignore=shutil.ignore_patterns("held"), copy_function=shutil.copy2)
    return work / "inbox", work / "warehouse.duckdb", work / "lake", held


def _calendar(lake: Path) -> pl.DataFrame:
    """The calendar a run at NEXT builds."""
    return cal.build_calendar(calendar_end(latest_receipt(lake), NEXT))[0]


def _copy(tmp_path: Path, db: Path, name: str) -> Path:
    out = tmp_path / name
    shutil.copy2(db, out)
    return out


def _build(target: Path, lake: Path, full: bool, as_of: dt.datetime | None = NEXT) -> publish.Built:
    calendar = _calendar(lake)
    extra = pl.DataFrame(schema=FINDING_SCHEMA).with_columns(issue=pl.lit(None, pl.Utf8))
    at = dt.datetime.fromisoformat(INFO["built_at"])
    row = {"run_id": "test", "started_at": at, "finished_at": at, "status": "success", "source": "publish", "message": "test"}
    runs = pl.DataFrame([row], schema=RUN_SCHEMA)
    return publish.build(target, lake, calendar, extra, runs, dict(INFO), as_of=as_of, full_rebuild=full)


def _differences(a: Path, b: Path) -> dict[str, tuple[int, int, int]]:
    """table -> (rows in a, rows only in a, rows only in b), for every table that is not the same multiset of rows."""
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS a (READ_ONLY)", [str(a)])
        con.execute("ATTACH ? AS b (READ_ONLY)", [str(b)])
        names = lambda db: {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [db]).fetchall()}  # noqa: E731
        assert names("a") == names("b")
        out = {}
        for t in sorted(names("a")):
            # a floating-point aggregate (a regression) differs in its last bits with the order DuckDB's threads add
            # rows in, between two full rebuilds too: compared to 9 decimals
            cols = ", ".join(
                f'round("{c}", 9)' if kind in ("DOUBLE", "FLOAT") else f'"{c}"' for c, kind, *_ in con.execute(f"DESCRIBE a.{t}").fetchall()
            )
            n = con.execute(f"SELECT count(*) FROM a.{t}").fetchone()[0]
            only_a = con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM a.{t} EXCEPT ALL SELECT {cols} FROM b.{t})").fetchone()[0]
            only_b = con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM b.{t} EXCEPT ALL SELECT {cols} FROM a.{t})").fetchone()[0]
            if only_a or only_b:
                out[t] = (n, only_a, only_b)
        return out
    finally:
        con.close()


@pytest.mark.parametrize("export", [LAST, LATE], ids=["the next month", "a month that arrives late"])
def test_a_new_export_publishes_incrementally_and_equals_the_full_rebuild(served, tmp_path, caplog, export):
    """A late month also changes loaded tickets: a caller's later tickets become repeats."""
    inbox, db, lake, held = _own(served, tmp_path)
    before = _copy(tmp_path, db, "before.duckdb")
    shutil.copy2(held / f"{export}.csv", inbox / f"{export}.csv")
    with caplog.at_level(logging.INFO):
        run(inbox, db, lake, as_of=NEXT)
    # the run read only the new file, and published incrementally from the copy taken while the inbox was read
    assert "(incremental: 1 new export file(s))" in caplog.text
    assert "the served warehouse was copied in" in caplog.text and not list(db.parent.glob(".*building*"))
    this_run = "run_id = (SELECT value FROM warehouse_info WHERE key = 'run_id')"
    unchanged = fetch(db, f"SELECT count(*) FROM etl_run WHERE status = 'unchanged' AND {this_run}")[0][0]
    assert unchanged == len(list(inbox.iterdir())) - 2  # every file but the new one and the gazette (always read)
    # the same lake, the same previous warehouse: built incrementally and in full, table by table the same
    inc = _build(_copy(tmp_path, before, "inc.duckdb"), lake, full=False)
    full = _build(_copy(tmp_path, before, "full.duckdb"), lake, full=True)
    assert inc.plan.incremental and not full.plan.incremental
    assert _differences(inc.path, full.path) == {}
    # and the month is there: the export's tickets of that month, less the rows the extractor rejected (the demo plants
    # a few bad rows in every file)
    ym = export[-7:]
    rows = pl.read_csv(inbox / f"{export}.csv", infer_schema=False).with_row_index("row", offset=2)
    bad = {r for (r,) in fetch(inc.path, "SELECT DISTINCT row FROM hotline_reject WHERE source_file = ?", [f"{export}.csv"])}
    good = rows.filter(pl.col("受理时间").str.starts_with(ym) & ~pl.col("row").cast(pl.Int64).is_in(list(bad)))
    got = fetch(inc.path, f"SELECT sum(volume) FROM hotline_cube WHERE month = DATE '{ym}-01'")[0][0]
    assert got == good["工单编号"].n_unique() > 250


def test_the_cut_off_from_the_data_is_the_full_rebuilds(served, tmp_path):
    """Without --as-of the cut-off is the latest moment in the tickets: the incremental publish takes the later of the
    served build's and the new export's, and gets the full rebuild's (the new month's latest ticket, by hand)."""
    inbox, db, lake, held = _own(served, tmp_path)
    before = _copy(tmp_path, db, "before.duckdb")
    shutil.copy2(held / f"{LAST}.csv", inbox / f"{LAST}.csv")
    run(inbox, db, lake, as_of=NEXT)
    inc = _build(_copy(tmp_path, before, "inc.duckdb"), lake, full=False, as_of=None)
    full = _build(_copy(tmp_path, before, "full.duckdb"), lake, full=True, as_of=None)
    assert inc.plan.incremental and not full.plan.incremental
    assert _differences(inc.path, full.path) == {}
    rows = pl.read_csv(inbox / f"{LAST}.csv", infer_schema=False)
    stamps = [c for c in rows.columns if c.endswith("时间")]
    latest = max(rows.select(pl.max_horizontal(pl.col(c).str.to_datetime(strict=False) for c in stamps).max()).item(), dt.datetime.min)
    assert fetch(inc.path, "SELECT value FROM warehouse_info WHERE key = 'hotline_as_of'")[0][0] == str(latest)


def test_the_cut_off_moves_open_tickets_in_the_incremental_publish(served, tmp_path):
    """An open ticket of an old month becomes overdue only because the cut-off moved: the incremental publish, which
    did not read that ticket's export again, counts it as the full rebuild does."""
    inbox, db, lake, held = _own(served, tmp_path)
    before = _copy(tmp_path, db, "before.duckdb")
    shutil.copy2(held / f"{LAST}.csv", inbox / f"{LAST}.csv")
    run(inbox, db, lake, as_of=NEXT)
    inc = _build(_copy(tmp_path, before, "inc.duckdb"), lake, full=False)
    assert inc.plan.incremental
    sql = "SELECT count(*) FILTER (WHERE overdue_open), max(workdays_overdue) FROM hotline_ticket WHERE month < DATE '2025-05-01'"
    old_cut, new_cut = fetch(before, sql)[0], fetch(inc.path, sql)[0]
    assert new_cut[1] > old_cut[1]  # the same open tickets, more working days overdue
    assert new_cut == fetch(_build(_copy(tmp_path, before, "full.duckdb"), lake, full=True).path, sql)[0]


def test_open_tickets_move_with_the_cut_off_without_reading_their_exports_again(served, tmp_path, caplog):
    """The open tickets of earlier months (no 办结时间 and not 当场答复, or dispatched and not signed) have figures that
    move with the cut-off; they are computed again from their own rows, and the lake is read only in the export files
    that hold the new tickets' callers' earlier tickets. The oldest month's export, months before any of those, has the
    pages of its 诉求内容 zeroed (its size and time kept, so the plan trusts it as loaded, and its 受理时间, which the
    calendar's end reads): the publish does not read it, and equals the full rebuild once it is back."""
    inbox, db, lake, held = _own(served, tmp_path)
    before = _copy(tmp_path, db, "before.duckdb")
    oldest = lake / incremental.TICKETS / lake_partition(f"12345工单_演示_{DEMO['first']}.csv") / "tickets.parquet"
    kept, st = oldest.read_bytes(), oldest.stat()
    chunks = (
        duckdb.connect()
        .execute(
            "SELECT coalesce(dictionary_page_offset, data_page_offset), total_compressed_size FROM parquet_metadata(?) WHERE path_in_schema = 'content'",
            [str(oldest)],
        )
        .fetchall()
    )
    broken = bytearray(kept)
    for start, size in chunks:
        broken[start : start + size] = bytes(size)
    oldest.write_bytes(bytes(broken))
    os.utime(oldest, ns=(st.st_atime_ns, st.st_mtime_ns))
    shutil.copy2(held / f"{LAST}.csv", inbox / f"{LAST}.csv")
    with caplog.at_level(logging.DEBUG):
        run(inbox, db, lake, as_of=NEXT)
    inc = _build(_copy(tmp_path, before, "inc.duckdb"), lake, full=False)
    assert inc.plan.incremental and "incremental publish failed" not in caplog.text
    # by hand from the served warehouse: every ticket open at its cut-off by the rule above (the new month comes after
    # every loaded ticket, so no loaded ticket is a new caller's later one), and the files of the lake
    open_before = fetch(
        before,
        "SELECT count(*) FROM hotline_ticket WHERE (closed_at IS NULL AND NOT answered_directly) OR (dispatched_at IS NOT NULL AND signed_at IS NULL)",
    )[0][0]
    files = len(list((lake / incremental.TICKETS).glob("*/tickets.parquet")))
    line = next(r.getMessage() for r in caplog.records if "ticket(s) computed again" in r.getMessage())
    assert line.endswith(f"{open_before} open ticket(s) moved with the cut-off") and open_before > 100
    read = next(r.getMessage() for r in caplog.records if "context tickets' rows read from" in r.getMessage())
    assert oldest.parent.name not in read and f"of {files} export files)" in line
    oldest.write_bytes(kept)
    os.utime(oldest, ns=(st.st_atime_ns, st.st_mtime_ns))
    full = _build(_copy(tmp_path, before, "full.duckdb"), lake, full=True)
    assert _differences(inc.path, full.path) == {}


def _plan_after(change, served, tmp_path, monkeypatch) -> str:
    root, inbox, db, lake, held = served
    work = tmp_path / "lake"
    shutil.copytree(lake, work)
    calendar = _calendar(work)
    calendar = change(work, calendar, monkeypatch, tmp_path) if change else calendar
    return incremental.plan(db, incremental.inputs(work, calendar), work).describe()


def _holiday_override(lake, calendar, monkeypatch, tmp_path):
    day = calendar.filter(pl.col("is_workday")).row(0, named=True)["date"]
    return calendar.with_columns(is_workday=pl.when(pl.col("date") == day).then(False).otherwise(pl.col("is_workday")))


def _rule_edit(lake, calendar, monkeypatch, tmp_path):
    from warehouse.paths import WAREHOUSE_DIR

    copy = tmp_path / "warehouse"
    shutil.copytree(WAREHOUSE_DIR, copy)
    rules = copy / "reference" / "hotline_rules.csv"
    rules.write_text(rules.read_text(encoding="utf-8").replace("咨询,1,3", "咨询,2,3", 1), encoding="utf-8")
    monkeypatch.setattr(incremental, "WAREHOUSE_DIR", copy)
    return calendar


def _deleted_partition(lake, calendar, monkeypatch, tmp_path):
    shutil.rmtree(sorted((lake / "hotline").glob("file=*"))[0])
    return calendar


def _rewritten_partition(lake, calendar, monkeypatch, tmp_path):
    f = sorted((lake / "hotline").glob("file=*/tickets.parquet"))[0]
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 1_000_000_000))
    return calendar


def _free_space(lake, calendar, monkeypatch, tmp_path):
    monkeypatch.setattr(incremental, "MAX_FREE_SHARE", -1.0)  # any free block at all
    return calendar


@pytest.mark.parametrize(
    "change, expected",
    [
        (None, "incremental: 0 new export file(s)"),
        (_holiday_override, "full rebuild: the calendar changed"),
        (_rule_edit, "full rebuild: reference file hotline_rules.csv changed"),
        (_deleted_partition, "full rebuild: export partition file="),
        (_rewritten_partition, "full rebuild: export partition file="),
        (_free_space, "full rebuild: 0% of the served file is free space left by earlier increments (compacting)"),
    ],
    ids=["nothing new", "calendar override", "rule edit", "deleted partition", "file loaded again", "free space"],
)
def test_what_forces_a_full_rebuild(served, tmp_path, monkeypatch, change, expected):
    assert _plan_after(change, served, tmp_path, monkeypatch).startswith(expected)


def test_a_run_with_nothing_new_publishes_incrementally(served, tmp_path, caplog):
    """The scheduled run that finds no new export: the cut-off-sensitive tickets are computed again from a copy, and
    the publish does not fall back to the full rebuild (a latest-ticket query over no new file once made it)."""
    inbox, db, lake, held = _own(served, tmp_path)
    with caplog.at_level(logging.INFO):
        run(inbox, db, lake, as_of=NEXT)
    assert "(incremental: 0 new export file(s))" in caplog.text
    assert "incremental publish failed" not in caplog.text
    latest = fetch(db, "SELECT value FROM warehouse_info WHERE key = 'hotline_latest_ticket'")[0][0]
    assert latest == fetch(served[2], "SELECT value FROM warehouse_info WHERE key = 'hotline_latest_ticket'")[0][0]


def test_a_re_export_of_old_tickets_rebuilds_in_full(served, tmp_path, caplog):
    """The demo's 更新导出 file re-exports tickets of earlier months with their later states."""
    inbox, db, lake, held = _own(served, tmp_path)
    update = next(held.glob("*更新导出*"))
    shutil.copy2(update, inbox / update.name)
    with caplog.at_level(logging.INFO):
        run(inbox, db, lake, as_of=NEXT)
    assert "(full rebuild: " in caplog.text and "were loaded before (a re-export of old tickets)" in caplog.text
    assert not list(db.parent.glob(".*building*"))  # the copy taken ahead was not needed, and is gone


def test_a_failed_run_leaves_no_copy_of_the_warehouse(served, tmp_path):
    """The copy taken while the inbox is read (hundreds of MB at scale) goes when the run fails before publishing."""
    from etl.pipeline import RunFailed

    inbox, db, lake, held = _own(served, tmp_path)
    shutil.copy2(GAZETTE, inbox / f"again_{GAZETTE.name}")  # two files of one gazette issue: the run is refused
    with pytest.raises(RunFailed, match="more than one file for gazette issue"):
        run(inbox, db, lake, as_of=NEXT)
    assert not list(db.parent.glob(".*building*"))


def test_full_rebuild_flag_reads_every_file_again(served, tmp_path, caplog):
    inbox, db, lake, held = _own(served, tmp_path)
    with caplog.at_level(logging.INFO):
        run(inbox, db, lake, as_of=NEXT, full_rebuild=True)
    assert "(full rebuild: forced (--full-rebuild))" in caplog.text
    statuses = fetch(db, "SELECT DISTINCT status FROM etl_run WHERE run_id = (SELECT value FROM warehouse_info WHERE key = 'run_id')")
    assert {s for (s,) in statuses} == {"success"}


def test_status_page_lists_the_files_not_read_again(served, tmp_path, monkeypatch):
    """数据状态's run log: a second run over the same inbox reads no export again, and says so for each (未变)."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import serving

    inbox, db, lake, held = _own(served, tmp_path)
    run(inbox, db, lake, as_of=NEXT)
    with serving(db, monkeypatch):
        at = AppTest.from_string("from dashboard.views.status import render\nrender()\n", default_timeout=60).run()
        assert not at.exception
        tables = [df.value if hasattr(df.value, "iloc") else df.value.to_pandas() for df in at.dataframe]
    rows = next(t for t in tables if "未变" in t.to_string())
    unchanged = rows[rows.apply(lambda r: "未变" in r.values, axis=1)]
    # every export of the inbox (all but the gazette, which is always read) once, with why it was not read
    assert len(unchanged) == len(list(inbox.iterdir())) - 1
    assert all("未重新读取" in " ".join(map(str, r)) for r in unchanged.values)


def test_a_run_at_the_builds_recorded_time_does_not_read_its_files_again(tmp_path):
    """warehouse_info.run_at keeps whole seconds; the run that read a file took its time with microseconds. A run at
    run_at (an operator's --as-of) is the same time for whole-second data, so the file is not read again; a second
    earlier is an earlier run, which reads it again."""
    from etl import lake

    export = tmp_path / "工单.csv"
    export.write_text("工单编号\nA1\n", encoding="utf-8")
    read_at = dt.datetime(2025, 7, 1, 9, 0, 0, 731_000)
    folder = tmp_path / "lake" / "hotline" / lake.file_partition(export.name)
    folder.mkdir(parents=True)
    lake.record_source(folder, export, read_at, depends_on_run_time=False)
    assert lake.same_source(tmp_path / "lake", "hotline", export, dt.datetime(2025, 7, 1, 9, 0, 0))
    assert not lake.same_source(tmp_path / "lake", "hotline", export, dt.datetime(2025, 7, 1, 8, 59, 59))


def test_the_problems_are_loaded_in_full_row_groups(tmp_path):
    """A parallel insert of the problem files (written by polars, 125,040 rows per row group: more than DuckDB's) left
    partly filled row groups, which DuckDB 2.0 then merged a few at a time at every checkpoint: about 1 s of each
    incremental publish at 10 M. Loaded on one thread, every row group is full but the last, and the connection's
    threads are as they were."""
    from etl import hot_topics

    lake, partitions = tmp_path / "lake", []
    for k in range(3):
        partition = f"file=工单_{k}.csv-0000000{k}"
        partitions.append(partition)
        f = lake / hot_topics.DATASET / partition / f"{hot_topics.CACHE_PREFIX}lexicon-{k}.parquet"
        f.parent.mkdir(parents=True)
        ids = pl.int_range(250_000, eager=True).cast(pl.Utf8)
        pl.DataFrame({"ticket_id": f"T{k}-" + ids, "source_file": f"工单_{k}.csv", "term": "停水"}).write_parquet(f, row_group_size=125_040)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("SET threads = 4")
    con.execute("CREATE TABLE hotline_problem_version (ticket_id VARCHAR, source_file VARCHAR, term VARCHAR)")
    hot_topics.load(con, lake, only=partitions)
    con.execute("CHECKPOINT")
    sizes = sorted(n for (n,) in con.execute(STORED_GROUPS, ["hotline_problem_version"]).fetchall())
    assert sum(sizes) == 750_000
    assert len(set(sizes[1:])) == 1 and sizes[0] <= sizes[1]  # all the same size but the last (750,000 = 6 × 122,880 + 12,720)
    assert len(sizes) == 7
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 4


def test_an_aggregate_over_the_tickets_alone_names_the_columns_it_reads(served, tmp_path, monkeypatch):
    """The aggregates that read hotline_ticket and nothing else go back only for the touched tickets whose row changed
    in a column they read (the equality tests above prove the result); the columns, as read off their SQL by hand. An
    aggregate that reads another table, or a column it does not name (`*`), sends back every touched ticket's group."""
    from etl import models

    *_, db, _, _ = served
    con = duckdb.connect(str(db), read_only=True)
    name = con.execute("SELECT current_database()").fetchone()[0]
    found = incremental._read_alone(con, name, ["hotline_cube", "hotline_close_days", "hotline_problem_count"])
    assert set(found) == {"hotline_cube", "hotline_close_days"}  # hotline_problem_count reads hotline_ticket_problem
    keys = {"month", "county", "department", "category", "channel"}
    assert set(found["hotline_cube"]) == keys | {
        "topic", "answered_directly", "sign_on_time", "closed_at", "closed_on_time", "overdue_open", "satisfaction",
        "workdays_to_close", "repeat_caller", "calendar_provisional", "is_demo",
    }  # fmt: skip
    assert set(found["hotline_close_days"]) == keys | {
        "workdays_to_close",
        "answered_directly",
        "closed_at",
        "standard_days",
        "max_days_total",
    }
    sql = {
        "by_star": "CREATE TABLE by_star AS SELECT * FROM hotline_ticket",
        "by_join": "CREATE TABLE by_join AS SELECT t.month, count(*) FROM hotline_ticket t JOIN calendar c ON c.date = t.month GROUP BY ALL",
        "by_columns": "CREATE TABLE by_columns AS SELECT month, count(*) AS n FROM hotline_ticket GROUP BY ALL",
    }
    for m, text in sql.items():
        (tmp_path / f"{m}.sql").write_text(text, encoding="utf-8")
    monkeypatch.setattr(models, "discover", lambda: {m: tmp_path / f"{m}.sql" for m in sql})
    assert incremental._read_alone(con, name, list(sql)) == {"by_columns": ["month"]}
    con.close()


def test_a_ticket_model_reading_the_cut_off_itself_rebuilds_in_full(served, tmp_path, monkeypatch, caplog):
    """Only hotline_cut_off() may read the cut-off among the ticket models: the open tickets are brought to a new
    cut-off through it alone, so a ticket model that reads as_of itself makes the publish rebuild in full, and say why."""
    from etl import models

    inbox, db, lake, held = _own(served, tmp_path)
    shutil.copy2(held / f"{LAST}.csv", inbox / f"{LAST}.csv")
    found = dict(models.discover())
    reading = tmp_path / "hotline_repeat_demand.sql"
    sql = found["hotline_repeat_demand"].read_text(encoding="utf-8")
    reading.write_text(sql.replace("WHERE ", "WHERE getvariable('as_of') IS NOT NULL AND ", 1), encoding="utf-8")
    monkeypatch.setattr(models, "discover", lambda: {**found, "hotline_repeat_demand": reading})
    with caplog.at_level(logging.INFO):
        run(inbox, db, lake, as_of=NEXT)
    assert "ticket model(s) hotline_repeat_demand read the cut-off (as_of) other than through hotline_cut_off()" in caplog.text
    assert "rebuilding in full" in caplog.text


def test_the_next_run_patches_the_spare_copy_the_last_run_made(served, tmp_path, caplog):
    """A publish leaves a byte copy of the new warehouse, named after it (inode, size, time); the next run patches that
    copy instead of waiting for one (9 GB at 100 M tickets), and leaves a spare of its own."""
    inbox, db, lake, held = _own(served, tmp_path)
    run(inbox, db, lake, as_of=NEXT, full_rebuild=True)  # a compact file: the next run's increment is not refused for space
    (spare,) = publish.spare_files(db)
    assert spare == publish.spare_path(db) and filecmp.cmp(spare, db, shallow=False)
    before = _copy(tmp_path, db, "before.duckdb")
    shutil.copy2(held / f"{LAST}.csv", inbox / f"{LAST}.csv")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        run(inbox, db, lake, as_of=NEXT)
    assert "(incremental: 1 new export file(s))" in caplog.text
    assert "patching the spare copy the last run made" in caplog.text and "the served warehouse was copied in" not in caplog.text
    assert not spare.exists() and publish.spare_files(db) == [publish.spare_path(db)]
    full = _build(before, lake, full=True)
    tickets = "SELECT count(*), count(DISTINCT ticket_id), sum(overdue_open::INT), sum(workdays_overdue) FROM hotline_ticket"
    assert fetch(db, tickets) == fetch(full.path, tickets)


def test_a_spare_of_another_file_cut_short_or_unfinished_is_not_used(served, tmp_path, caplog):
    inbox, db, lake, held = _own(served, tmp_path)
    earlier = db.with_name(f".{db.name}.spare-1-2-3")  # the spare of a file served before
    earlier.write_bytes(b"earlier")
    short = publish.spare_path(db)  # the served file's name, but cut short
    short.write_bytes(db.read_bytes()[:4096])
    part = db.with_name(f".{db.name}.spare-part-99999")  # a copy a killed run left unfinished
    part.write_bytes(b"part")
    with caplog.at_level(logging.INFO):
        run(inbox, db, lake, as_of=NEXT)
    assert f"removed {part.name}, left by a killed run" in caplog.text
    assert "is not the size of the served file; copying it again" in caplog.text
    assert "the served warehouse was copied in" in caplog.text and "(incremental: 0 new export file(s))" in caplog.text
    assert publish.spare_files(db) == [publish.spare_path(db)] and filecmp.cmp(publish.spare_path(db), db, shallow=False)


def test_no_spare_when_turned_off(served, tmp_path, monkeypatch):
    inbox, db, lake, held = _own(served, tmp_path)
    monkeypatch.setenv("DASHBOARD_ETL_SPARE", "0")
    run(inbox, db, lake, as_of=NEXT)
    assert publish.spare_files(db) == []  # the copied one of the served folder went too


def test_rows_not_where_they_were_found_fail_the_increment_into_a_full_rebuild(served, tmp_path, monkeypatch, caplog):
    """The loaded touched tickets' rows are deleted by the row numbers they were found at, with their ticket numbers
    checked: a row that moved (played by a delete that matches none) is never left behind or deleted in its place."""
    inbox, db, lake, held = _own(served, tmp_path)
    monkeypatch.setattr(incremental, "LOADED_TOUCHED_GONE", incremental.LOADED_TOUCHED_GONE.rstrip() + " AND false")
    shutil.copy2(held / f"{LAST}.csv", inbox / f"{LAST}.csv")
    with caplog.at_level(logging.INFO):
        run(inbox, db, lake, as_of=NEXT)
    assert "rows were where they were found" in caplog.text and "rebuilding in full" in caplog.text
    full = _build(_copy(tmp_path, db, "full.duckdb"), lake, full=True)
    tickets = "SELECT count(*), count(DISTINCT ticket_id), sum(overdue_open::INT), sum(workdays_overdue) FROM hotline_ticket"
    assert fetch(db, tickets) == fetch(full.path, tickets)
