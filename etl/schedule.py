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
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from etl import pipeline

log = logging.getLogger("etl.schedule")
DEFAULT_CONFIG = Path(__file__).with_name("schedule.toml")


@dataclass(frozen=True)
class ScheduleConfig:
    cron: str = "0 2 * * *"
    timezone: str = "Asia/Shanghai"
    poll_seconds: int = 60
    source: str = str(DEFAULT_CONFIG)

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(self.timezone))

    def next_run(self, after: dt.datetime | None = None) -> dt.datetime | None:
        now = after or dt.datetime.now(ZoneInfo(self.timezone))
        return self.trigger().get_next_fire_time(None, now)


def load_config(path: str | os.PathLike | None = None) -> ScheduleConfig:
    path = Path(path or os.environ.get("DASHBOARD_SCHEDULE") or DEFAULT_CONFIG)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{path}: cannot read the schedule ({e})") from e
    cfg = ScheduleConfig(
        str(data.get("cron", "0 2 * * *")), str(data.get("timezone", "Asia/Shanghai")), int(data.get("poll_seconds", 60)), str(path)
    )
    try:
        cfg.trigger()
    except ValueError as e:
        raise ValueError(f"{path}: cron {cfg.cron!r} is not a valid crontab expression ({e})") from e
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

    def __init__(self, inbox: Path, db: Path, lake_dir: Path, config: ScheduleConfig):
        self.inbox, self.db, self.lake_dir, self.config = inbox, db, lake_dir, config
        self.state_file = lake_dir / "schedule_state.json"

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

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
            return False
        log.info("scheduled run %s: %s", result.run_id, result.message)
        self._save(next_run=_iso(self.config.next_run()), inbox_fingerprint=fingerprint, last_attempt_fingerprint=fingerprint)
        return True

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


def config_in_use(lake_dir: Path) -> ScheduleConfig:
    """The schedule the running (or last) scheduler uses, as it recorded it; the default file otherwise."""
    recorded = Runner(Path("."), Path("."), lake_dir, ScheduleConfig()).state().get("config")
    if recorded and Path(recorded).is_file():
        return load_config(recorded)
    return load_config()


def schedule_summary(config: ScheduleConfig, lake_dir: Path, runs=None) -> dict[str, str]:
    """What `etl status` and 数据状态 show: the schedule, the next run, the last success and the last failure."""
    import polars as pl

    state = Runner(Path("."), Path("."), lake_dir, config).state()
    out = {
        "配置文件": config.source,
        "计划": f"cron {config.cron}（{config.timezone}）；收件箱每 {config.poll_seconds} 秒检查一次"
        if config.poll_seconds
        else f"cron {config.cron}（{config.timezone}）",
        "下次运行": state.get("next_run") or _iso(config.next_run()) or "—",
        "调度状态": "计划任务已运行过" if state else "计划任务尚未启动（python -m etl schedule）",
    }
    if runs is not None and runs.height:
        pub = runs.filter(pl.col("source") == "publish").sort("started_at", descending=True)
        ok = pub.filter(pl.col("status") == "success").head(1)
        bad = pub.filter(pl.col("status").is_in(["failed", "killed"])).head(1)
        out["最近成功"] = f"{ok['started_at'][0]:%Y-%m-%d %H:%M}（{ok['run_id'][0]}）" if ok.height else "—"
        out["最近失败"] = f"{bad['started_at'][0]:%Y-%m-%d %H:%M}：{bad['message'][0]}" if bad.height else "—"
    return out
