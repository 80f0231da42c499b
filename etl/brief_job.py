"""月度简报 to files and mail: `python -m etl brief` and the scheduler's monthly job (etl.schedule).

Each scope's briefing is built, written to the outbox atomically (a temp file renamed into place, so a reader never
sees half a file) and, when SMTP is configured, mailed to that scope's recipients. Every attempt is one line in
lake/brief_log.jsonl, which 数据状态 shows; a failure is logged there with its reason and never raised into the ETL."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import duckdb

from warehouse.paths import PROJECT_ROOT
from warehouse.runlog import BRIEF_LOG, SMTP_PASSWORD_ENV

log = logging.getLogger("etl.brief")
CITY = "全市"


@dataclass
class Outcome:
    month: dt.date
    scope: str
    status: str = "success"  # success | failed
    files: list[Path] = field(default_factory=list)
    mailed: list[str] = field(default_factory=list)
    message: str = ""


def counties(db: Path) -> list[str]:
    """The city's counties in their official order (the county reference)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT county_name FROM county WHERE NOT is_city_total ORDER BY sort_order").fetchall()]


def resolve_county(db: Path, name: str) -> str:
    """A county's official name from its name or an alias; ValueError lists the valid names."""
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "SELECT c.county_name FROM county c LEFT JOIN county_alias a USING (county_key) "
            "WHERE NOT c.is_city_total AND (c.county_name = $n OR a.alias = $n) LIMIT 1",
            {"n": name.strip()},
        ).fetchone()
    if row is None:
        raise ValueError(f"没有名为“{name}”的县（市、区）；可选：{'、'.join(counties(db))}")
    return row[0]


def first_workday(db: Path, month: dt.date) -> dt.date:
    """The month's first working day by the warehouse's calendar (holidays and 调休 applied); Monday to Friday where
    the calendar does not reach the month."""
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT min(date) FROM calendar WHERE month_start = $m AND is_workday", {"m": month}).fetchone()
    if row and row[0]:
        return row[0]
    day = month
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    log.warning(
        "briefing: the warehouse calendar does not reach %s; its first working day is taken as %s (Monday to Friday)", f"{month:%Y-%m}", day
    )
    return day


def due_month(db: Path, now: dt.datetime, day: str | int) -> dt.date | None:
    """The month to brief at `now`: the month before, once the briefing day of this month has come."""
    this = now.date().replace(day=1)
    when = first_workday(db, this) if day == "first_workday" else this.replace(day=int(day))
    if now.date() < when:
        return None
    return (this - dt.timedelta(days=1)).replace(day=1)


def outbox_path(setting: str | os.PathLike) -> Path:
    p = Path(setting)
    return p if p.is_absolute() else PROJECT_ROOT / p


def make(db: Path, month: dt.date, scopes: list[str], out: Path, now: dt.datetime) -> list[Outcome]:
    """Each scope's PDF and Word files in `out`; one scope's failure does not stop the others."""
    from dashboard import brief

    os.environ["DASHBOARD_DB"] = str(db)  # the app's queries read the warehouse from here
    _quiet_streamlit()
    out.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for scope in scopes:
        o = Outcome(month, scope)
        try:
            files = brief.build(month, () if scope == CITY else (scope,), generated_at=now)
            for name, data in files.named().items():
                tmp = out / f".{name}.tmp"
                tmp.write_bytes(data)
                os.replace(tmp, out / name)
                o.files.append(out / name)
            log.info("briefing %s %s: %s", f"{month:%Y-%m}", scope, ", ".join(p.name for p in o.files))
        except Exception as e:  # recorded and shown on 数据状态; the other scopes go on
            o.status, o.message = "failed", f"{type(e).__name__}: {e}".splitlines()[0]
            log.error("briefing %s %s failed: %s", f"{month:%Y-%m}", scope, o.message)
        outcomes.append(o)
    return outcomes


def mail(outcomes: list[Outcome], smtp: dict, recipients: dict[str, list[str]]) -> None:
    """Each successful scope's files to its recipients over one SMTP connection; a mailing failure is recorded on the
    outcome (the files stay in the outbox)."""
    todo = [o for o in outcomes if o.status == "success" and recipients.get(o.scope)]
    if not smtp.get("host") or not todo:
        return
    try:
        with _connect(smtp) as server:
            for o in todo:
                msg = EmailMessage()
                msg["Subject"] = f"曲靖市运行监测月度简报（{o.month.year}年{o.month.month}月 · {o.scope}）"
                msg["From"] = smtp.get("sender") or smtp.get("user")
                msg["To"] = ", ".join(recipients[o.scope])
                msg.set_content(
                    f"{o.scope} {o.month.year}年{o.month.month}月的月度简报见附件（PDF 供阅读打印，Word 供编辑）。\n此邮件由曲靖市运行监测系统自动发送。"
                )
                for path in o.files:
                    kind = (
                        ("application", "pdf")
                        if path.suffix == ".pdf"
                        else ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
                    )
                    msg.add_attachment(path.read_bytes(), maintype=kind[0], subtype=kind[1], filename=path.name)
                try:
                    server.send_message(msg)
                    o.mailed = list(recipients[o.scope])
                except smtplib.SMTPException as e:
                    o.status, o.message = "failed", f"邮件发送失败：{e}"
    except (OSError, smtplib.SMTPException) as e:
        for o in todo:
            o.status, o.message = "failed", f"邮件发送失败（{smtp['host']}:{smtp['port']}）：{e}"
    for o in todo:
        if o.status == "failed":
            log.error("briefing %s %s: %s", f"{o.month:%Y-%m}", o.scope, o.message)


def _connect(smtp: dict) -> smtplib.SMTP:
    port, timeout = int(smtp.get("port") or 25), float(smtp.get("timeout") or 30)
    if smtp.get("ssl"):
        server = smtplib.SMTP_SSL(smtp["host"], port, timeout=timeout, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(smtp["host"], port, timeout=timeout)
        if smtp.get("starttls"):
            server.starttls(context=ssl.create_default_context())
    if smtp.get("user"):
        server.login(smtp["user"], os.environ.get(SMTP_PASSWORD_ENV, ""))
    return server


def record(lake_dir: Path, outcomes: list[Outcome], trigger: str, now: dt.datetime) -> None:
    lake_dir.mkdir(parents=True, exist_ok=True)
    with open(lake_dir / BRIEF_LOG, "a", encoding="utf-8") as f:
        for o in outcomes:
            entry = {
                "at": now.isoformat(timespec="seconds"),
                "trigger": trigger,
                "month": f"{o.month:%Y-%m}",
                "scope": o.scope,
                "status": o.status,
                "files": "；".join(p.name for p in o.files),
                "mailed": "、".join(o.mailed),
                "message": o.message,
            }
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _quiet_streamlit() -> None:
    """The app's queries run here without a Streamlit session; its warnings about that say nothing to an operator."""
    from streamlit import logger

    logger.set_log_level("error")


def scheduled(db: Path, lake_dir: Path, settings: dict, state: dict, now: dt.datetime) -> dict | None:
    """The scheduler's job, after its ETL run: the due month's briefings for the scopes not yet made. Returns the state
    to save (brief_month when every scope succeeded, brief_done: the scopes made for the month), or None when nothing
    was due. Never raises: a failure is logged and retried at the next tick."""
    if not settings["enabled"] or not db.exists():
        return None
    try:
        month = due_month(db, now, settings["day"])
        if month is None or state.get("brief_month") == f"{month:%Y-%m}":
            return None
        done = set(state.get("brief_done", {}).get(f"{month:%Y-%m}", []))
        scopes = [CITY] + (counties(db) if settings["scopes"] == "all" else [])
        todo = [s for s in scopes if s not in done]
        outcomes = make(db, month, todo, outbox_path(settings["outbox"]), now)
        mail(outcomes, settings["smtp"], settings["recipients"])
    except Exception as e:  # the warehouse unreadable, the outbox not writable …: logged, the ETL unaffected
        log.error("briefing job failed: %s", e)
        record(
            lake_dir,
            [Outcome(now.date().replace(day=1), "—", "failed", message=f"{type(e).__name__}: {e}".splitlines()[0])],
            "schedule",
            now,
        )
        return None
    record(lake_dir, outcomes, "schedule", now)
    done |= {o.scope for o in outcomes if o.status == "success"}
    key = f"{month:%Y-%m}"
    out = {"brief_done": {key: sorted(done)}}
    if done >= set(scopes):
        out["brief_month"] = key
    return out
