"""Build a new DuckDB warehouse from the lake and the reference tables, check it, swap it in atomically.

The new file is built beside the served one under a temporary name; only when every check passes does
os.replace put it in place. Anything that fails before that leaves the served warehouse untouched.
DuckDB allows one writer or many readers per file: the ETL only ever writes the temporary file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from etl import forecast, hot_topics, incremental, lake, models
from etl.config import ETL_MEMORY_LIMIT, keep_spare
from etl.sources.gazette import SCHEMAS as GAZETTE_TABLES
from warehouse import contract, reference
from warehouse.paths import WAREHOUSE_DIR

log = logging.getLogger(__name__)


class CheckFailed(RuntimeError):
    pass


def sql_file(name: str) -> str:
    return (WAREHOUSE_DIR / name).read_text(encoding="utf-8")


@dataclass
class Built:
    path: Path  # the new warehouse, not yet swapped in
    plan: incremental.Plan  # incremental or full, and why


def building_path(target: Path) -> Path:
    """The temporary file a publish builds into, beside the served one (a killed run's is removed by the next)."""
    return target.with_name(f".{target.name}.building-{os.getpid()}")


# logged when the publish patches the spare (python -m bench reads it)
SPARE_USED = "[publish] patching the spare copy the last run made of the served warehouse"


def spare_path(target: Path) -> Path | None:
    """The spare copy of the served file as it is now (make_spare), named after the file's identity: inode, size and
    modification time. A publish replaces the served file with a new one, so a spare of any earlier file never matches."""
    try:
        st = target.stat()
    except FileNotFoundError:
        return None
    return target.with_name(f".{target.name}.spare-{st.st_ino}-{st.st_size}-{st.st_mtime_ns}")


def spare_files(target: Path) -> list[Path]:
    """Every spare beside target, finished or not (a copy in progress is named .spare-part-<pid>)."""
    return sorted(target.parent.glob(f".{target.name}.spare-*")) if target.parent.is_dir() else []


def make_spare(target: Path) -> Path | None:
    """A copy of the just-published warehouse for the next run's incremental publish to patch, so that run does not
    wait for a copy (at 100 M tickets, 9 GB: docs/PERFORMANCE.md). Made after the swap, while the run still holds the
    lake's lock; it is synced and then renamed to its final name, so a spare under that name is always whole. A failure
    (a full disk) only costs the next run its copy. DASHBOARD_ETL_SPARE=0 turns it off (etl.config.keep_spare)."""
    for old in spare_files(target):
        old.unlink(missing_ok=True)
    spare = spare_path(target)
    if spare is None or not keep_spare():
        return None
    part = target.with_name(f".{target.name}.spare-part-{os.getpid()}")
    t = time.perf_counter()
    try:
        shutil.copyfile(target, part)
        with open(part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, spare)
    except OSError as e:
        part.unlink(missing_ok=True)
        log.warning("[publish] no spare copy for the next run (%s): it will copy the warehouse itself", e)
        return None
    log.info("[publish] spare copy for the next run's incremental publish made in %.1f s", time.perf_counter() - t)
    return spare


@dataclass
class Head:
    """Work a publish starts while the inbox is still being read (pipeline.run), so the publish itself waits less: a
    copy of the served warehouse, which an incremental publish patches (the served file is never written once
    published, and the run holds the lake's lock, so a copy taken early is the copy taken late; the last run's spare,
    make_spare, is such a copy taken earlier still), and the libraries it uses loaded (_warm_up)."""

    target: Path
    copy: Path | None = None
    copied_s: float = 0.0
    from_spare: bool = False  # the copy is the spare the last run made (make_spare): nothing to copy
    error: BaseException | None = None
    _threads: list[threading.Thread] = field(default_factory=list)

    def _copy(self) -> None:
        t = time.perf_counter()
        try:
            shutil.copyfile(self.target, self.copy)
        except OSError as e:
            self.error = e
        self.copied_s = time.perf_counter() - t

    def wait(self) -> None:
        for thread in self._threads:
            thread.join()

    def discard(self) -> None:
        self.wait()
        if self.copy is not None:
            self.copy.unlink(missing_ok=True)


def _warm_up() -> None:
    """The libraries a publish loads, one after the other (both hold the GIL): statsmodels, and jieba's dictionary with
    the lexicon (0.7 s; a new export file is segmented at publish)."""
    forecast.warm_up()
    hot_topics.warm_up()


def start(target: Path, full_rebuild: bool = False) -> Head:
    """Starts the head start (Head): the copy is the last run's spare when it is the served file's (make_spare), else
    taken now; without a served warehouse, or with --full-rebuild, nothing is copied. Spares of other files go."""
    head = Head(target)
    threads = [threading.Thread(target=_warm_up, name="warm-up", daemon=True)]
    spare = spare_path(target)
    for other in spare_files(target):
        if other != spare or full_rebuild:
            other.unlink(missing_ok=True)
    if target.exists() and not full_rebuild:
        head.copy = building_path(target)
        head.copy.unlink(missing_ok=True)
        if spare.exists() and spare.stat().st_size == target.stat().st_size:
            os.replace(spare, head.copy)
            head.from_spare = True
        else:
            if spare.exists():
                log.warning("[publish] the spare copy %s is not the size of the served file; copying it again", spare.name)
                spare.unlink()
            threads.append(threading.Thread(target=head._copy, name="warehouse-copy", daemon=True))
    head._threads = threads
    for thread in threads:
        thread.start()
    return head


def build(
    target: Path,
    lake_dir: Path,
    calendar: pl.DataFrame,
    extra_findings: pl.DataFrame,
    runs: pl.DataFrame,
    info: dict[str, str],
    as_of: dt.datetime | None = None,
    full_rebuild: bool = False,
    head: Head | None = None,
) -> Built:
    """Build the warehouse into a temporary file next to target: incrementally from a copy of target when only new
    exports arrived (etl.incremental), else in full. head: the copy started while the inbox was read (start())."""
    target.parent.mkdir(parents=True, exist_ok=True)
    inputs = incremental.inputs(lake_dir, calendar)
    plan = incremental.plan(target, inputs, lake_dir, full_rebuild)
    if plan.incremental:
        try:
            return Built(_build(target, lake_dir, calendar, extra_findings, runs, info, as_of, inputs, plan, head), plan)
        except (duckdb.Error, OSError, ValueError) as e:  # never worse than a full rebuild
            log.debug("incremental publish failed", exc_info=True)
            log.warning("[publish] the incremental publish failed (%s); rebuilding in full", str(e).splitlines()[0])
            plan = incremental.Plan(False, f"the incremental publish failed: {str(e).splitlines()[0]}")
    return Built(_build(target, lake_dir, calendar, extra_findings, runs, info, as_of, inputs, plan, head), plan)


def _served_copy(target: Path, tmp: Path, head: Head | None) -> None:
    """tmp: a copy of the served warehouse, the head start's when it made one."""
    if head is not None and head.copy == tmp:
        head.wait()
        if head.from_spare:
            log.info(SPARE_USED)
            return
        if head.error is None:
            log.info("[publish] the served warehouse was copied in %.1f s while the inbox was read", head.copied_s)
            return
        log.warning("[publish] copying the served warehouse ahead failed (%s); copying again", head.error)
    shutil.copyfile(target, tmp)  # the served file is never written once published: a consistent copy


def _build(target, lake_dir, calendar, extra_findings, runs, info, as_of, inputs, plan, head: Head | None = None) -> Path:
    tmp = building_path(target)
    Path(f"{tmp}.wal").unlink(missing_ok=True)
    if not plan.incremental:
        if head is not None:
            head.discard()
        tmp.unlink(missing_ok=True)
    try:
        if plan.incremental:
            _served_copy(target, tmp, head)
        # a bounded build: DuckDB spills to disk beyond this, so the ETL stays within its memory budget
        # (docs/PERFORMANCE.md) however many tickets the lake holds
        con = duckdb.connect(str(tmp), config={"memory_limit": ETL_MEMORY_LIMIT})
        try:
            _fill(con, lake_dir, calendar, extra_findings, runs, info, as_of, previous=target, plan=plan)
            load_frame(con, "build_input", inputs)
            run_checks(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        raise
    return tmp


def swap(tmp: Path, target: Path) -> None:
    os.replace(tmp, target)
    log.info("published %s", target)


# a lake dataset's table into a loaded table (the lake's files are the extractors' output, typed as declared)
INSERT_FROM_PARQUET = "INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?, union_by_name = true, hive_partitioning = false)"
# the tickets are read where they lie: the hotline models write each ticket to the warehouse once
TICKETS_VIEW = "CREATE OR REPLACE TEMP VIEW src_hotline_ticket AS SELECT * FROM {source}"
NO_TICKETS = "(FROM hotline_ticket_version WHERE false)"

# loaded table -> the reference file that fills it (warehouse/reference/<name>.csv)
REFERENCE_TABLES = {
    "county_alias": "county_alias",
    "hotline_rule": "hotline_rules",
    "hotline_setting": "hotline_settings",
    "concession_rubric": "concession_rubric",
    "concession_veto_rule": "concession_veto_rule",
    "concession_setting": "concession_settings",
    "freshness_rule": "freshness_rules",
    "alert_rule": "alert_rules",
    "hotline_term": "hotline_terms",
}
# loaded table -> (lake dataset, lake table); several datasets can fill one table
LAKE_TABLES = (
    ("hotline_reject", "hotline", "rejects"),
    ("hotline_reject", "hotline_file_reject", "rejects"),
    ("concession_sheet_version", "concession", "sheets"),
    ("concession_score_version", "concession", "scores"),
    ("concession_reject", "concession", "rejects"),
    ("concession_reject", "concession_file_reject", "rejects"),
    ("indicator_actual_version", "indicator", "actuals"),
    ("indicator_reject", "indicator", "rejects"),
    ("indicator_reject", "indicator_file_reject", "rejects"),
)


# loaded tables an incremental publish keeps from the copy (etl.incremental maintains them); all others are refilled
KEPT_ON_INCREMENT = ("hotline_ticket_version", "hotline_problem_version")


def _fill(con, lake_dir, calendar, extra_findings, runs, info, as_of, previous: Path | None = None, plan=None) -> None:
    patching = plan is not None and plan.incremental
    previous_latest = None
    if patching:
        row = con.execute("SELECT value FROM warehouse_info WHERE key = 'hotline_latest_ticket'").fetchone()
        previous_latest = row[0] if row else None
        for table in contract.declared():
            if table not in KEPT_ON_INCREMENT:
                con.execute(f"DELETE FROM {table}")
    else:
        con.execute(sql_file("schema.sql"))
    _carry_alerts(con, previous)
    load_frame(con, "county", reference.counties())
    for table, name in REFERENCE_TABLES.items():
        load_frame(con, table, reference.load(name))
    load_frame(con, "calendar", calendar)
    load_frame(con, "dq_finding", extra_findings)
    load_frame(con, "etl_run", runs)
    for table in GAZETTE_TABLES:
        _insert_lake(con, lake_dir, "gazette", table, table)
    for target, dataset, table in LAKE_TABLES:
        _insert_lake(con, lake_dir, dataset, table, target)
    source = _tickets(con, lake_dir, as_of, previous_latest, plan.new_partitions if patching else None)
    hot_topics.load(con, lake_dir, only=plan.new_partitions if patching else None)
    # the run's time (--as-of, else when the run finished): deadlines that are not tickets', and the freshness of
    # every domain, are judged against it
    run_at = as_of or dt.datetime.fromisoformat(info["built_at"])
    con.execute("SET VARIABLE run_at = ?::TIMESTAMP", [run_at])
    info = {**info, "run_at": run_at.isoformat(timespec="seconds"), "schema_version": contract.WAREHOUSE_SCHEMA_VERSION}
    # before the models: the freshness of every domain (and its 预警) is judged against run_at
    load_frame(con, "warehouse_info", pl.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]}))
    if patching:
        counts = incremental.patch(con, lake_dir, plan.new_partitions, source)
        log.info(
            "[publish] incremental: %d new export file(s), %d ticket(s) computed again (their context read from %d of %d "
            "export files), %d open ticket(s) moved with the cut-off",
            counts["new_files"],
            counts["touched_tickets"],
            counts["files_read"],
            counts["files"],
            counts["cut_off_tickets"],
        )
        fitting = forecast.start(con)  # its series are final (hotline_cube): fitted while the other models build
        # the patched rows written out now: the models left scan compressed tables, not a large pending change (the
        # automatic checkpoint would otherwise fall inside one of them); 2.4 s less at 10 M (docs/PERFORMANCE.md)
        con.execute("CHECKPOINT")
        incremental.rebuild_rest(con)
        forecast.finish(con, fitting)
    else:
        models.build(con)
        forecast.load(con)


def _carry_alerts(con, previous: Path | None) -> None:
    """alert_seen from the warehouse being replaced (none on a first publish; one that cannot be read, e.g. of an
    older schema, is logged and every warning counts as new)."""
    if previous is None or not previous.exists():
        return
    try:
        con.execute("ATTACH ? AS prev (READ_ONLY)", [str(previous)])
        try:
            if con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'prev' AND table_name = 'alert'").fetchone()[0]:
                con.execute(sql_file("publish/alert_seen.sql"))
        finally:
            con.execute("DETACH prev")
    except duckdb.Error as e:
        log.warning("the previous warehouse's warnings could not be read (%s): every warning counts as new", e)


def load_frame(con, table: str, frame: pl.DataFrame) -> None:
    """A frame into a loaded table, each column cast to the type schema.sql declares (a reference file is all
    text: a blank cell of a typed column is NULL, a value of the wrong type fails the publish). Columns the table does not declare
    are not loaded: tests/test_metrics.py checks every reference column is read somewhere."""
    declared = {c.name: c.type for c in contract.declared()[table]}
    cols = [c for c in frame.columns if c in declared]
    if frame.is_empty() or not cols:
        return
    con.register("src_frame", frame.select(cols))
    try:
        exprs = [
            f'CAST(NULLIF(trim("{c}"), \'\') AS {declared[c]}) AS "{c}"'
            if frame.schema[c] == pl.Utf8 and declared[c] != "VARCHAR"
            else f'CAST("{c}" AS {declared[c]}) AS "{c}"'
            for c in cols
        ]
        con.execute(f"INSERT INTO {table} BY NAME SELECT {', '.join(exprs)} FROM src_frame")
    finally:
        con.unregister("src_frame")


def _tickets(con, lake_dir: Path, as_of: dt.datetime | None, previous_latest: str | None = None, new_partitions=None) -> str:
    """src_hotline_ticket over the lake's tickets, and the data cut-off; returns the view's source. previous_latest and
    new_partitions (an incremental publish): the served build's latest ticket time and the exports added since."""
    glob = lake.table_glob(lake_dir, "hotline", "tickets")
    source = (
        f"read_parquet('{glob.replace(chr(39), chr(39) * 2)}', union_by_name = true, hive_partitioning = false)" if glob else NO_TICKETS
    )
    if previous_latest and new_partitions is not None:
        # the partitions loaded before are unchanged (incremental.plan): only the new ones can hold a later moment
        latest = dt.datetime.fromisoformat(previous_latest)
        if new_partitions:
            files = [lake_dir / incremental.TICKETS / p / "tickets.parquet" for p in new_partitions]
            con.execute(TICKETS_VIEW.format(source=incremental.parquet_source(files)))
            new = con.execute(sql_file("publish/latest_ticket_time.sql")).fetchone()[0]
            latest = max(latest, new) if new is not None else latest
        con.execute(TICKETS_VIEW.format(source=source))  # the whole lake again, for the build
    else:
        con.execute(TICKETS_VIEW.format(source=source))
        latest = con.execute(sql_file("publish/latest_ticket_time.sql")).fetchone()[0]
    cutoff = as_of or latest
    con.execute("SET VARIABLE as_of = ?::TIMESTAMP", [cutoff])
    load_frame(
        con,
        "warehouse_info",
        pl.DataFrame(
            {
                "key": ["hotline_as_of", "hotline_as_of_source", "hotline_latest_ticket"],
                "value": [
                    str(cutoff) if cutoff else "",
                    "--as-of" if as_of else "latest timestamp in the data",
                    latest.isoformat(sep=" ") if latest else "",
                ],
            }
        ),
    )
    return source


def _insert_lake(con, lake_dir: Path, dataset: str, table: str, target: str) -> None:
    glob = lake.table_glob(lake_dir, dataset, table)
    if glob:
        con.execute(INSERT_FROM_PARQUET.format(table=target), [glob])


def run_checks(con) -> None:
    failures = []
    for name, query in models.checks():
        rows = con.execute(query).fetchall()
        if rows:
            failures.append(f"{name}: {len(rows)} row(s), e.g. {rows[0]}")
    if failures:
        raise CheckFailed("warehouse checks failed: " + "; ".join(failures))


def table_counts(db: Path) -> list[tuple[str, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute(contract.TABLE_NAMES).fetchall()]
        return con.execute(contract.row_counts_sql(names)).fetchall() if names else []
    finally:
        con.close()
