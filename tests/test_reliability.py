"""Issue 11, data loss and runs: a promotion killed at every step, stale build files, a run log that shows every
run that started, skipped runs, the scheduler's one queue and quiet polls, and sniffing without reading a file
whole. The bad-input cases are in tests/test_faults.py's catalogue."""

from __future__ import annotations

import fcntl
import io
import logging
import re
import shutil
import subprocess
import sys
import threading
import time
import tracemalloc
from contextlib import redirect_stdout
from pathlib import Path

import polars as pl
import pytest

from etl import lake as lake_mod
from etl import pipeline
from etl.pipeline import run
from tests.conftest import GAZETTE, KPI, MINI_GAZETTE, ROOT, fetch
from tests.test_faults import published
from warehouse.runlog import read_run_log

q = fetch

# A run that re-delivers the loaded gazette and the KPI export (changed) and brings a new issue promotes three
# partitions: two replace their namesakes (3 steps each), one is new (2 steps), between the journal's commit and
# the removal of the staging folder and the journal.
PROMOTION_STEPS = [
    "journal written",
    "old partition set aside: gazette/issue=2022-09",
    "staged partition moved in: gazette/issue=2022-09",
    "done: gazette/issue=2022-09",
    "staged partition moved in: gazette/issue=2022-10",
    "done: gazette/issue=2022-10",
    "old partition set aside: hotline/file=hotline_kpi.csv",
    "staged partition moved in: hotline/file=hotline_kpi.csv",
    "done: hotline/file=hotline_kpi.csv",
    "staging removed",
    "journal removed",
]


def _redeliver(inbox: Path) -> None:
    """The KPI export again with one more ticket (Z9), and the second gazette issue."""
    text = KPI.read_text(encoding="utf-8").rstrip("\n") + "\nZ9,2024-03-05 10:00:00,电话,求助,城乡建设,麒麟区,市甲局,派单,,,,,0,,,,\n"
    (inbox / KPI.name).write_text(text, encoding="utf-8")
    shutil.copy2(MINI_GAZETTE, inbox / MINI_GAZETTE.name)


def test_promotion_steps_are_the_ones_killed(loaded, monkeypatch):
    inbox, db, lake = loaded
    _redeliver(inbox)
    seen = []
    monkeypatch.setattr(lake_mod, "_step", seen.append)
    run(inbox, db, lake)
    assert [re.sub(r"-[0-9a-f]{8}$", "", s) for s in seen] == PROMOTION_STEPS  # file partitions end in a name hash


@pytest.mark.parametrize("step", range(len(PROMOTION_STEPS)), ids=PROMOTION_STEPS)
def test_promotion_killed_at_every_step_loses_nothing(loaded, step):
    """Killed at any step of the promotion, then the files leave the inbox (the run had read them): the next
    run completes the promotion from the journal, and the re-delivered rows are all there."""
    inbox, db, lake = loaded
    _redeliver(inbox)
    script = (
        f"import os, signal, sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from etl import lake\n"
        "calls = []\n"
        "def step(label):\n"
        "    calls.append(label)\n"
        f"    if len(calls) == {step + 1}: os.kill(os.getpid(), signal.SIGKILL)\n"
        "lake._step = step\n"
        "from etl.pipeline import run; from pathlib import Path\n"
        f"run(Path({str(inbox)!r}), Path({str(db)!r}), Path({str(lake)!r}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=180)
    assert proc.returncode == -9, proc.stderr.decode()[-500:]
    (inbox / KPI.name).unlink()
    (inbox / MINI_GAZETTE.name).unlink()
    run(inbox, db, lake)
    after = published(db)
    assert after["events"] == (189, 189)  # 186 + the 3 of the second issue
    assert after["tickets"] == (8, 8)  # T1–T7 and Z9
    assert not list(lake.glob(".staging-*")) and not list(lake.glob("*/.*.replaced")) and not (lake / lake_mod.JOURNAL).exists()
    statuses = dict(q(db, "SELECT status, count(*) FROM etl_run WHERE source = 'publish' GROUP BY ALL"))
    assert statuses["killed"] == 1  # the killed run is in the log, found by the next one


def test_stale_build_files_are_removed(loaded):
    inbox, db, lake = loaded
    stale = [db.with_name(f".{db.name}.building-99999"), db.with_name(f".{db.name}.building-99999.wal")]
    for f in stale:
        f.write_bytes(b"\0" * 1024)
    # DuckDB's spill folder of a build killed while it spilled (a run over 100 M tickets left one): a folder, which once
    # failed every later run with IsADirectoryError
    spill = db.with_name(f".{db.name}.building-99999.tmp")
    spill.mkdir()
    (spill / "duckdb_temp_storage_DEFAULT-0.tmp").write_bytes(b"\0" * 1024)
    run(inbox, db, lake)
    assert not any(f.exists() for f in [*stale, spill])


def test_a_run_killed_while_copying_the_spare_leaves_the_next_run_a_plain_copy(loaded, caplog):
    """The spare is written under a part name and renamed once whole and synced: a run killed with its copy written but
    not yet renamed has published, and the next run removes the part and copies the served warehouse itself."""
    from etl import publish

    inbox, db, lake = loaded
    shutil.copy2(MINI_GAZETTE, inbox / MINI_GAZETTE.name)
    die_after_copy = (
        "real_copy = publish.shutil.copyfile\n"
        "def copy_then_die(a, b):\n"
        "    real_copy(a, b)\n"
        "    if '.spare-part-' in str(b): os.kill(os.getpid(), signal.SIGKILL)\n"
        "publish.shutil.copyfile = copy_then_die"
    )
    _killed_run(inbox, db, lake, die_after_copy)
    assert published(db)["events"] == (189, 189)  # the killed run had published: its warehouse is served
    (part,) = publish.spare_files(db)
    assert part.name.startswith(f".{db.name}.spare-part-") and part.stat().st_size == db.stat().st_size
    with caplog.at_level(logging.INFO):
        run(inbox, db, lake)
    assert f"removed {part.name}, left by a killed run" in caplog.text and "patching the spare copy" not in caplog.text
    assert publish.spare_files(db) == [publish.spare_path(db)] and published(db)["events"] == (189, 189)


def _killed_run(inbox: Path, db: Path, lake: Path, patch: str) -> None:
    script = (
        f"import os, signal, sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from etl import publish\n"
        "real = publish.swap\n"
        f"{patch}\n"
        "from etl.pipeline import run; from pathlib import Path\n"
        f"run(Path({str(inbox)!r}), Path({str(db)!r}), Path({str(lake)!r}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=180)
    assert proc.returncode == -9, proc.stderr.decode()[-500:]


def test_every_run_that_started_is_in_the_log(loaded):
    """A run killed mid-build is logged as killed; one killed just after its swap is the run whose warehouse is
    served, and is completed as a success; `etl status` names the served warehouse's run."""
    from etl.status import print_status

    inbox, db, lake = loaded
    first = pipeline.served_run_id(db)
    _killed_run(inbox, db, lake, "def die(*a, **k): os.kill(os.getpid(), signal.SIGKILL)\npublish._fill = die")
    _killed_run(
        inbox, db, lake, "def swap_then_die(*a):\n    real(*a)\n    os.kill(os.getpid(), signal.SIGKILL)\npublish.swap = swap_then_die"
    )
    served = pipeline.served_run_id(db)

    def statuses() -> dict[str, tuple[str, str]]:
        log = read_run_log(lake).filter(pl.col("source") == "publish")
        return {r: (st, m) for r, st, m in log.select("run_id", "status", "message").iter_rows()}

    runs = statuses()
    (mid_build,) = set(runs) - {first, served}  # killed children run on the real clock: runs are told apart by id
    # the second run found the first kill; its own kill is not known yet
    assert (runs[first][0], runs[mid_build][0], runs[served][0]) == ("success", "killed", "running")
    out = io.StringIO()
    with redirect_stdout(out):
        print_status(db, lake)
    assert f"built by run {served} (running" in out.getvalue()
    run(inbox, db, lake)
    runs = statuses()
    assert runs[mid_build][0] == "killed" and "found by run" in runs[mid_build][1]
    assert runs[served][0] == "success" and "interrupted after the swap" in runs[served][1]
    (latest,) = set(runs) - {first, served, mid_build}
    assert runs[latest][0] == "success"
    out = io.StringIO()
    with redirect_stdout(out):
        print_status(db, lake)
    assert f"built by run {latest} (success" in out.getvalue()


def test_a_poll_that_meets_the_lock_is_retried_at_the_next_poll(tmp_path):
    from etl.schedule import Runner, load_config

    inbox, db, lake = tmp_path / "inbox", tmp_path / "w.duckdb", tmp_path / "lake"
    inbox.mkdir()
    lake.mkdir()
    shutil.copy2(GAZETTE, inbox / GAZETTE.name)
    runner = Runner(inbox, db, lake, load_config())
    with open(lake / ".etl.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a manual run is in progress
        assert runner.poll() is None and not db.exists()
    assert "last_attempt_fingerprint" not in runner.state()
    assert runner.poll() is True and db.exists()  # the next poll loads the file


def test_cron_and_poll_never_run_at_once(tmp_path):

    from apscheduler.schedulers.background import BackgroundScheduler

    from etl.schedule import Runner, ScheduleConfig, build_scheduler

    active, overlap, done = [0], [], threading.Event()

    class Slow(Runner):
        def _job(self, name):
            active[0] += 1
            overlap.append(active[0])
            time.sleep(0.5)
            active[0] -= 1
            if len(overlap) >= 2:
                done.set()

        def run(self, reason):
            self._job("cron")

        def poll(self):
            self._job("poll")

    cfg = ScheduleConfig(poll_seconds=3600)
    sched = build_scheduler(Slow(tmp_path, tmp_path / "w.duckdb", tmp_path, cfg), cfg, BackgroundScheduler)
    sched.get_job("cron").modify(next_run_time=sched.get_job("inbox").next_run_time)  # both due at once
    sched.start()
    try:
        assert done.wait(10)
    finally:
        sched.shutdown(wait=True)
    assert max(overlap) == 1


def test_status_names_the_schedule_in_use_and_polls_are_quiet(tmp_path, caplog):
    from apscheduler.schedulers.background import BackgroundScheduler

    from etl.schedule import Runner, build_scheduler, load_config
    from etl.status import print_status
    from warehouse.runlog import schedule_state

    custom = tmp_path / "night.toml"
    custom.write_text('cron = "30 3 * * *"\npoll_seconds = 1\n', encoding="utf-8")
    inbox, lake = tmp_path / "inbox", tmp_path / "lake"
    inbox.mkdir()
    cfg = load_config(custom)
    runner = Runner(inbox, tmp_path / "w.duckdb", lake, cfg)
    runner._save()
    assert schedule_state(lake)["config"] == str(custom)
    out = io.StringIO()
    with redirect_stdout(out):
        print_status(tmp_path / "w.duckdb", lake)
    assert str(custom) in out.getvalue() and "cron 30 3 * * *" in out.getvalue()

    runner._save(inbox_fingerprint=runner.state().get("inbox_fingerprint") or "")
    from etl.schedule import inbox_fingerprint

    runner._save(inbox_fingerprint=inbox_fingerprint(inbox))  # nothing new in the inbox
    sched = build_scheduler(runner, cfg, BackgroundScheduler)
    caplog.set_level(logging.INFO)
    sched.start()
    try:
        time.sleep(2.5)  # two or three polls
    finally:
        sched.shutdown(wait=True)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO] == []


def test_sniffing_reads_the_first_bytes_only(tmp_path):
    from etl.sources import tabular
    from etl.sources.gazette import is_gazette

    for name in ("big.txt", "big.csv"):
        f = tmp_path / name
        with open(f, "wb") as fh:
            fh.write("工单编号\t受理时间\n".encode())
            fh.truncate(64 * 1024 * 1024)  # 64 MB, sparse
    tracemalloc.start()
    assert not is_gazette(tmp_path / "big.txt")
    message = tabular.problem(tmp_path / "big.csv")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "tabs or semicolons" in message
    assert peak < 1024 * 1024  # well under the file's 64 MB
