"""What the ETL leaves for everyone to read in the lake: the run log (one Parquet file per run, so a failed
run, which never reaches a warehouse, is still on record), the scheduler's state file and the 月度简报 log."""

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
BRIEF_LOG = "brief_log.jsonl"  # one line per briefing attempt (etl.brief_job)
BRIEF_DEFAULTS = {"enabled": True, "day": "first_workday", "scopes": "all", "outbox": "data/outbox"}
BRIEF_SCOPES = ("all", "city")
SMTP_DEFAULTS = {"host": "", "port": 25, "starttls": False, "ssl": False, "user": "", "sender": "", "timeout": 30}
SMTP_PASSWORD_ENV = "DASHBOARD_SMTP_PASSWORD"


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
        "brief": _brief_settings(data.get("brief", {}), path),
    }


def _brief_settings(data: dict, path: Path) -> dict:
    """The [brief] table: when the monthly briefing is made, for which scopes, where it goes and whom it is mailed to."""
    unknown = set(data) - set(BRIEF_DEFAULTS) - {"smtp", "recipients"}
    if unknown:
        raise ValueError(f"{path}: unknown setting(s) in [brief]: {', '.join(sorted(unknown))}")
    out = {**BRIEF_DEFAULTS, **{k: v for k, v in data.items() if k in BRIEF_DEFAULTS}}
    day = out["day"]
    if not (day == "first_workday" or (isinstance(day, int) and 1 <= day <= 28)):
        raise ValueError(f'{path}: [brief] day must be "first_workday" or a day of the month 1–28, not {day!r}')
    if out["scopes"] not in BRIEF_SCOPES:
        raise ValueError(f"{path}: [brief] scopes must be one of {', '.join(BRIEF_SCOPES)}, not {out['scopes']!r}")
    smtp = {**SMTP_DEFAULTS, **data.get("smtp", {})}
    recipients = data.get("recipients", {})
    bad = [k for k, v in recipients.items() if not (isinstance(v, list) and all(isinstance(a, str) and "@" in a for a in v))]
    if bad:
        raise ValueError(f"{path}: [brief.recipients] {', '.join(bad)}: expected a list of e-mail addresses")
    return {**out, "smtp": smtp, "recipients": {k: list(v) for k, v in recipients.items()}}


def read_brief_log(lake: Path) -> pl.DataFrame:
    """Every briefing attempt, newest first (empty with the log's columns when there is none)."""
    schema = {
        "at": pl.Utf8,
        "trigger": pl.Utf8,
        "month": pl.Utf8,
        "scope": pl.Utf8,
        "status": pl.Utf8,
        "files": pl.Utf8,
        "mailed": pl.Utf8,
        "message": pl.Utf8,
    }
    try:
        lines = (lake / BRIEF_LOG).read_text(encoding="utf-8").splitlines()
    except OSError:
        return pl.DataFrame(schema=schema)
    rows = []
    for line in lines:
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue  # a line cut by a crash: the others stand
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame([{k: (None if r.get(k) is None else str(r.get(k))) for k in schema} for r in rows], schema=schema).reverse()


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
    b = settings["brief"]
    if b["enabled"]:
        day = "每月第一个工作日" if b["day"] == "first_workday" else f"每月 {b['day']} 日"
        scopes = "全市及各县（市、区）" if b["scopes"] == "all" else "全市"
        mail = f"；邮件经 {b['smtp']['host']} 发送" if b["smtp"]["host"] else "；未配置邮件发送"
        out["月度简报"] = f"{day}在 ETL 运行后生成上月{scopes}简报，写入 {b['outbox']}{mail}"
        out["最近简报月份"] = state.get("brief_month") or "—"
    else:
        out["月度简报"] = "未启用（[brief] enabled = false）"
    return out
