"""`python -m etl schedule`: the ETL on a cron expression, plus a run whenever the inbox changes.

Only one run at a time: the cron job and the inbox poll share one worker thread, so one waits for the other
(one queue, one job at a time), and the pipeline's lock (an flock on lake/.etl.lock, released by the kernel
when a process dies) makes a run that meets a manual run skip. A skipped run is not an attempt: the next poll
tries again. A failed run is logged with its reason and the next cron tick tries again; the last good
warehouse keeps serving. A poll that finds nothing new logs nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from etl import brief_job, pipeline
from warehouse.paths import SCHEDULE_FILE
from warehouse.runlog import BRIEF_DEFAULTS, SCHEDULE_DEFAULTS, SCHEDULE_STATE, SMTP_DEFAULTS, read_schedule_file, schedule_state

log = logging.getLogger("etl.schedule")


@dataclass(frozen=True)
class ScheduleConfig:
    cron: str = SCHEDULE_DEFAULTS["cron"]
    timezone: str = SCHEDULE_DEFAULTS["timezone"]
    poll_seconds: int = SCHEDULE_DEFAULTS["poll_seconds"]
    source: str = str(SCHEDULE_FILE)
    brief: dict = field(default_factory=lambda: {**BRIEF_DEFAULTS, "smtp": dict(SMTP_DEFAULTS), "recipients": {}})

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(self.timezone))

    def next_run(self, after: dt.datetime | None = None) -> dt.datetime | None:
        now = after or dt.datetime.now(ZoneInfo(self.timezone))
        return self.trigger().get_next_fire_time(None, now)


def load_config(path: str | os.PathLike | None = None) -> ScheduleConfig:
    settings = read_schedule_file(path)
    cfg = ScheduleConfig(settings["cron"], settings["timezone"], settings["poll_seconds"], settings["config"], settings["brief"])
    try:
        cfg.trigger()
    except ValueError as e:
        raise ValueError(f"{cfg.source}: cron {cfg.cron!r} is not a valid crontab expression ({e})") from e
    return cfg


def inbox_fingerprint(inbox: Path) -> str:
    """Names, sizes and modification times of the inbox files: changes when a file is added, replaced or removed."""
    h = hashlib.sha256()
    for p in sorted(inbox.glob("*")) if inbox.is_dir() else []:
        if p.is_file() and not p.name.startswith("."):
            st = p.stat()
            h.update(f"{p.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


class Runner:
    """The scheduled job; state (last fingerprint, next run) is kept in lake/schedule_state.json."""

    def __init__(self, inbox: Path, db: Path, lake_dir: Path, config: ScheduleConfig, clock: Callable[[], dt.datetime] | None = None):
        self.inbox, self.db, self.lake_dir, self.config = inbox, db, lake_dir, config
        self.state_file = lake_dir / SCHEDULE_STATE
        # the run's time in the schedule's time zone (tests pass their own)
        self.clock = clock or (lambda: dt.datetime.now(ZoneInfo(config.timezone)).replace(tzinfo=None))

    def state(self) -> dict:
        return schedule_state(self.lake_dir)

    def _save(self, **changes) -> None:
        state = {
            **self.state(),
            **changes,
            "cron": self.config.cron,
            "timezone": self.config.timezone,
            "poll_seconds": self.config.poll_seconds,
            "config": self.config.source,
        }
        self.lake_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.state_file)

    def run(self, reason: str) -> bool | None:
        """One ETL run; True on success, False on failure (logged, left for the next tick), None when another
        run held the lock (not an attempt: the next poll tries again)."""
        fingerprint = inbox_fingerprint(self.inbox)
        log.info("scheduled run (%s)", reason)
        try:
            result = pipeline.run(self.inbox, self.db, self.lake_dir)
        except pipeline.RunSkipped as e:
            log.info("scheduled run (%s) skipped: %s; the next poll tries again", reason, e)
            self._save(next_run=_iso(self.config.next_run()))
            return None
        except pipeline.RunFailed as e:
            log.error("scheduled run failed (%s): %s; the previous warehouse keeps serving, retrying on the next tick", reason, e)
            self._save(next_run=_iso(self.config.next_run()), last_attempt_fingerprint=fingerprint)
            self.brief(reason)
            return False
        log.info("scheduled run %s: %s", result.run_id, result.message)
        self._save(next_run=_iso(self.config.next_run()), inbox_fingerprint=fingerprint, last_attempt_fingerprint=fingerprint)
        self.brief(reason)
        return True

    def brief(self, reason: str) -> None:
        """The 月度简报 job after a cron run (an inbox poll does not make briefings): never raises."""
        if reason != "cron":
            return
        changes = brief_job.scheduled(self.db, self.lake_dir, self.config.brief, self.state(), self.clock())
        if changes:
            self._save(**changes)

    def poll(self) -> bool | None:
        """Run when the inbox differs from what the last successful run saw (a failed run is retried at each poll
        only when the inbox changed again, and at the next cron tick in any case). None when nothing changed
        or the run was skipped."""
        fingerprint = inbox_fingerprint(self.inbox)
        state = self.state()
        if fingerprint in (state.get("inbox_fingerprint"), state.get("last_attempt_fingerprint")):
            return None
        return self.run("inbox changed")


def build_scheduler(runner: Runner, config: ScheduleConfig, cls: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """The cron and poll jobs on one single-thread executor: a job that comes due while another runs waits."""
    sched = cls(
        timezone=ZoneInfo(config.timezone),
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600},
    )
    sched.add_job(runner.run, config.trigger(), args=["cron"], id="cron")
    if config.poll_seconds > 0:
        sched.add_job(
            runner.poll, "interval", seconds=config.poll_seconds, id="inbox", next_run_time=dt.datetime.now(ZoneInfo(config.timezone))
        )
    # APScheduler logs two INFO lines for every job it runs; a poll that finds nothing must stay silent
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").setLevel(logging.WARNING)
    return sched


def serve(inbox: Path, db: Path, lake_dir: Path, config: ScheduleConfig) -> None:
    runner = Runner(inbox, db, lake_dir, config)
    sched = build_scheduler(runner, config)
    runner._save(next_run=_iso(config.next_run()))
    log.info(
        "schedule: cron %r (%s), inbox polled every %ss; next cron run %s",
        config.cron,
        config.timezone,
        config.poll_seconds,
        config.next_run(),
    )
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("schedule stopped")


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat(timespec="seconds") if t else None
