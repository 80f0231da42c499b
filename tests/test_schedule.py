"""The scheduler: its configuration, the next run, runs on inbox changes, and failures retried."""

from __future__ import annotations

import datetime as dt
import shutil
from zoneinfo import ZoneInfo

import pytest

from etl import pipeline
from etl.schedule import Runner, inbox_fingerprint, load_config
from tests.conftest import GAZETTE, MINI_GAZETTE
from warehouse.runlog import read_run_log, schedule_summary


def test_default_schedule_is_daily_at_two_beijing_time():
    cfg = load_config()
    assert (cfg.cron, cfg.timezone, cfg.poll_seconds) == ("0 2 * * *", "Asia/Shanghai", 60)
    tz = ZoneInfo("Asia/Shanghai")
    assert cfg.next_run(dt.datetime(2026, 11, 28, 18, 0, tzinfo=tz)) == dt.datetime(2026, 11, 29, 2, 0, tzinfo=tz)
    assert cfg.next_run(dt.datetime(2026, 11, 29, 1, 59, tzinfo=tz)) == dt.datetime(2026, 11, 29, 2, 0, tzinfo=tz)


def test_bad_schedule_is_named(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('cron = "every night"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"s.toml: cron 'every night' is not a valid crontab"):
        load_config(f)


def test_runs_when_the_inbox_changes_and_retries_after_a_failure(tmp_path, monkeypatch):
    inbox, db, lake = tmp_path / "inbox", tmp_path / "w.duckdb", tmp_path / "lake"
    inbox.mkdir()
    shutil.copy2(GAZETTE, inbox / GAZETTE.name)
    runner = Runner(inbox, db, lake, load_config())
    assert runner.poll() is True and db.exists()
    assert runner.poll() is None  # nothing changed: no run
    shutil.copy2(MINI_GAZETTE, inbox / MINI_GAZETTE.name)

    calls = []
    real = pipeline.run

    def flaky(*args, **kw):
        calls.append(1)
        if len(calls) == 1:
            raise pipeline.RunFailed("disk full (simulated)")
        return real(*args, **kw)

    monkeypatch.setattr(pipeline, "run", flaky)
    before = db.stat().st_mtime_ns
    assert runner.poll() is False  # the failure is logged, the old warehouse stays
    assert db.stat().st_mtime_ns == before
    assert runner.poll() is None  # the same inbox is not retried at every poll …
    assert runner.run("cron") is True  # … but at the next cron tick
    assert runner.state()["inbox_fingerprint"] == inbox_fingerprint(inbox)
    summary = schedule_summary(lake, read_run_log(lake))
    assert summary["最近成功"] != "—"
    assert summary["下次运行"].endswith("02:00:00+08:00")


def test_overlapping_run_is_skipped_not_failed(tmp_path):
    """Issue 11 #4: a run that meets another run is logged as skipped, and the last ETL still reads as the
    other run's outcome."""
    import fcntl

    lake = tmp_path / "lake"
    lake.mkdir()
    (tmp_path / "inbox").mkdir()
    with open(lake / ".etl.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another run holds the lock
        with pytest.raises(pipeline.RunSkipped, match="another ETL run is in progress"):
            pipeline.run(tmp_path / "inbox", tmp_path / "w.duckdb", lake)
    log = read_run_log(lake)
    assert log["status"].to_list() == ["skipped"] and not issubclass(pipeline.RunSkipped, pipeline.RunFailed)
    # released (as the kernel does for a killed process): the next run goes ahead
    pipeline.run(tmp_path / "inbox", tmp_path / "w.duckdb", lake)
    from dashboard.queries import last_run

    assert last_run(read_run_log(lake).sort("started_at", descending=True))["status"] == "success"
