"""python -m etl run [--inbox DIR] [--db PATH] [--lake DIR] | status | schedule | inspect | brief | seed-inbox | demo"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import shutil
import sys
from pathlib import Path

from etl.pipeline import RunFailed, RunSkipped, run
from warehouse import paths as config


def _timestamp(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM', got {text!r}") from e


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl", description="曲靖市运行监测 ETL")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name, text in (("run", "extract the inbox and publish a new warehouse"), ("status", "last runs, row counts, freshness")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--db", help="warehouse file (default $DASHBOARD_DB or data/warehouse.duckdb)")
        p.add_argument("--lake", help="lake folder (default $DASHBOARD_LAKE or 'lake' beside the warehouse)")
        if name == "run":
            p.add_argument("--inbox", help="inbox folder (default $DASHBOARD_INBOX or data/inbox)")
            p.add_argument(
                "--as-of", type=_timestamp, help="hotline data cut-off 'YYYY-MM-DD HH:MM' (default: latest timestamp in the data)"
            )
            p.add_argument(
                "--full-rebuild",
                action="store_true",
                help="read every inbox file again and rebuild the warehouse in full (default: only new or changed files, "
                "and an incremental publish when nothing else changed)",
            )
    p = sub.add_parser("schedule", help="run the ETL on the cron schedule of etl/schedule.toml and when the inbox changes")
    p.add_argument("--db")
    p.add_argument("--lake")
    p.add_argument("--inbox")
    p.add_argument("--config", help="schedule file (default $DASHBOARD_SCHEDULE or etl/schedule.toml)")
    p = sub.add_parser("inspect", help="what a run would make of one file (recognised as, sections or columns, rejects), loading nothing")
    p.add_argument("file")
    p.add_argument("--db")
    p.add_argument("--lake", help="read-only: the plan indicators that monitoring actuals are checked against")
    p.add_argument("--as-of", type=_timestamp, help="the run's time that later dates are judged against (default: now)")
    p = sub.add_parser("brief", help="月度简报: the month's briefing as PDF and Word, for the city, one county or all of them")
    p.add_argument("--month", required=True, help="the month YYYY-MM")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--county", help="one county's briefing (its name or an alias); default: the whole city")
    where.add_argument("--all-counties", action="store_true", help="the city's briefing and every county's")
    p.add_argument("--out", help="folder for the files (default: the outbox of the schedule file, data/outbox)")
    p.add_argument("--mail", action="store_true", help="also mail each briefing to its recipients ([brief.smtp] of the schedule file)")
    p.add_argument("--config", help="schedule file (default $DASHBOARD_SCHEDULE or etl/schedule.toml)")
    p.add_argument("--db")
    p.add_argument("--lake")
    p = sub.add_parser("seed-inbox", help="copy the shipped sources (the gazette) into the inbox")
    p.add_argument("--inbox")
    p = sub.add_parser("demo", help="write fictional 12345 work-order exports (演示数据) into the inbox")
    p.add_argument("--inbox")
    p.add_argument("--tickets", type=int, default=300_000)
    p.add_argument("--seed", type=int, default=2022)
    p.add_argument("--from", dest="first", default="2022-01", help="first month YYYY-MM")
    p.add_argument("--to", dest="last", default="2025-12", help="last month YYYY-MM")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)

    if args.cmd == "seed-inbox":
        inbox = config.inbox_path(args.inbox)
        inbox.mkdir(parents=True, exist_ok=True)
        for f in sorted(config.SHIPPED_SOURCES.glob("*.txt")):
            shutil.copy2(f, inbox / f.name)
            print(f"inbox <- {f.name}")
        return 0

    if args.cmd == "demo":
        from etl.demo import write_concession_files, write_files, write_indicator_files

        inbox = config.inbox_path(args.inbox)
        files = write_files(inbox, n=args.tickets, seed=args.seed, first=args.first, last=args.last)
        files += write_concession_files(inbox, seed=args.seed) + write_indicator_files(inbox, seed=args.seed)
        print(f"demo: wrote {len(files)} file(s) to {config.inbox_path(args.inbox)}")
        return 0

    db = config.db_path(args.db)
    lake_dir = config.lake_path(db, args.lake)
    if args.cmd == "inspect":
        from etl.inspect import inspect

        return inspect(Path(args.file), lake_dir, args.as_of)
    if args.cmd == "schedule":
        from etl.schedule import load_config, serve

        try:
            cfg = load_config(args.config)
        except ValueError as e:
            print(f"schedule: {e}", file=sys.stderr)
            return 2
        serve(config.inbox_path(args.inbox), db, lake_dir, cfg)
        return 0
    if args.cmd == "brief":
        return _brief(args, db, lake_dir)
    if args.cmd == "run":
        try:
            result = run(config.inbox_path(args.inbox), db, lake_dir, as_of=args.as_of, full_rebuild=args.full_rebuild)
        except RunSkipped as e:  # not a failure: the run in progress publishes
            print(f"ETL skipped: {e}", file=sys.stderr)
            return 0
        except RunFailed as e:
            print(f"ETL failed: {e}", file=sys.stderr)
            return 1
        print(f"ETL {result.status}: run {result.run_id}, {result.message}")
        return 0
    from etl.status import print_status

    return print_status(db, lake_dir)


def _brief(args, db: Path, lake_dir: Path) -> int:
    from etl import brief_job
    from warehouse.runlog import read_schedule_file

    try:
        month = dt.datetime.strptime(args.month, "%Y-%m").date()
    except ValueError:
        print(f"brief: --month must be YYYY-MM (e.g. 2025-12), not {args.month!r}", file=sys.stderr)
        return 2
    if not db.exists():
        print(f"brief: no warehouse at {db}: run `python -m etl run` first", file=sys.stderr)
        return 1
    try:
        settings = read_schedule_file(args.config)["brief"]
        scopes = [brief_job.CITY]
        if args.county:
            scopes = [brief_job.resolve_county(db, args.county)]
        elif args.all_counties:
            scopes += brief_job.counties(db)
    except ValueError as e:
        print(f"brief: {e}", file=sys.stderr)
        return 2
    now = dt.datetime.now()
    out = Path(args.out) if args.out else brief_job.outbox_path(settings["outbox"])
    outcomes = brief_job.make(db, month, scopes, out, now)
    if args.mail:
        brief_job.mail(outcomes, settings["smtp"], settings["recipients"])
    brief_job.record(lake_dir, outcomes, "cli", now)
    for o in outcomes:
        what = "、".join(str(p) for p in o.files) if o.status == "success" else o.message
        print(f"{o.scope}: {what}" + (f"（已发送：{'、'.join(o.mailed)}）" if o.mailed else ""))
    return 0 if all(o.status == "success" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
