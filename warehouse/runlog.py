"""What the ETL leaves for everyone to read in the lake: the run log (one Parquet file per run, so a failed
run, which never reaches a warehouse, is still on record) and the scheduler's state file."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import polars as pl

from warehouse.paths import SCHEDULE_FILE

RUN_LOG_DIR = "etl_run"
SCHEDULE_STATE = "schedule_state.json"
SCHEDULE_DEFAULTS = {"cron": "0 2 * * *", "timezone": "Asia/Shanghai", "poll_seconds": 60}


def read_run_log(lake: Path) -> pl.DataFrame | None:
    files = sorted((lake / RUN_LOG_DIR).glob("*.parquet"))
    return pl.read_parquet(files) if files else None


def schedule_state(lake: Path) -> dict:
    """What the scheduler recorded: its schedule file, cron, poll interval, next run and inbox fingerprints."""
    try:
        return json.loads((lake / SCHEDULE_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_schedule_file(path: str | Path | None = None) -> dict:
    """The schedule file's settings over the defaults, with the file's path under "config"; ValueError names
    the file when it cannot be read."""
    path = Path(path or os.environ.get("DASHBOARD_SCHEDULE") or SCHEDULE_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{path}: cannot read the schedule ({e})") from e
    return {
        "cron": str(data.get("cron", SCHEDULE_DEFAULTS["cron"])),
        "timezone": str(data.get("timezone", SCHEDULE_DEFAULTS["timezone"])),
        "poll_seconds": int(data.get("poll_seconds", SCHEDULE_DEFAULTS["poll_seconds"])),
        "config": str(path),
    }


def schedule_summary(lake: Path, runs: pl.DataFrame | None = None) -> dict[str, str]:
    """What `etl status` and 数据状态 show: the schedule file in use (the one the scheduler recorded, else the
    default), the plan, the next run as the scheduler computed it, the last success and the last failure."""
    state = schedule_state(lake)
    recorded = state.get("config")
    settings = read_schedule_file(recorded if recorded and Path(recorded).is_file() else None)
    plan = f"cron {settings['cron']}（{settings['timezone']}）"
    out = {
        "配置文件": settings["config"],
        "计划": plan + (f"；收件箱每 {settings['poll_seconds']} 秒检查一次" if settings["poll_seconds"] else ""),
        "下次运行": state.get("next_run") or "—（计划任务启动后计算）",
        "调度状态": "计划任务已运行过" if state else "计划任务尚未启动（python -m etl schedule）",
    }
    if runs is not None and runs.height:
        pub = runs.filter(pl.col("source") == "publish").sort("started_at", descending=True)
        ok = pub.filter(pl.col("status") == "success").head(1)
        bad = pub.filter(pl.col("status").is_in(["failed", "killed"])).head(1)
        out["最近成功"] = f"{ok['started_at'][0]:%Y-%m-%d %H:%M}（{ok['run_id'][0]}）" if ok.height else "—"
        out["最近失败"] = f"{bad['started_at'][0]:%Y-%m-%d %H:%M}：{bad['message'][0]}" if bad.height else "—"
    return out
