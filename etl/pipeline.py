"""One ETL run: extract every inbox file, validate, write the lake, publish a new warehouse.

All files are parsed before anything is written, so a file that cannot be read fails the run with
its name and line, and neither the lake nor the served warehouse changes.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import shutil
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from etl import calendar as cal
from etl import lake, pii, publish
from etl.config import calendar_end
from etl.inbox import printable
from etl.inbox import scan as inbox_scan
from etl.sources import concession, hotline, indicator, tabular
from etl.sources.extraction import Context, Extraction
from etl.sources.gazette import GAZETTE_SECTIONS, GazetteFormatError, is_gazette, parse_gazette
from etl.sources.gazette.checks import FINDING_SCHEMA
from etl.sources.tabular import FileRejected
from warehouse.runlog import read_run_log

log = logging.getLogger("etl")

RUN_SCHEMA = {
    "run_id": pl.Utf8,
    "started_at": pl.Datetime("us"),
    "finished_at": pl.Datetime("us"),
    "status": pl.Utf8,
    "source": pl.Utf8,
    "rows_in": pl.Int64,
    "rows_loaded": pl.Int64,
    "rows_rejected": pl.Int64,
    "message": pl.Utf8,
}


class RunFailed(RuntimeError):
    """The run did not publish; the message is one line naming the file and the reason."""


class RunSkipped(RuntimeError):
    """Another run holds the lock: this one did nothing, which is not a failure (the other run publishes)."""


@dataclass
class RunResult:
    run_id: str
    status: str
    message: str
    sources: list[dict] = field(default_factory=list)


def new_run_id() -> str:
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


@contextmanager
def _exclusive(lake_dir: Path):
    lake_dir.mkdir(parents=True, exist_ok=True)
    with open(lake_dir / ".etl.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise RunSkipped("another ETL run is in progress (lock held on lake/.etl.lock); this run was skipped") from e
        yield


def run(inbox: Path, db: Path, lake_dir: Path, as_of: dt.datetime | None = None, full_rebuild: bool = False) -> RunResult:
    """as_of: the run's time and the hotline cut-off (--as-of); without it, the clock when the run starts.
    Every rule that needs 'now' (future dates, the calendar's end, overdue) takes it from here.
    full_rebuild: read every inbox file again and build the warehouse in full (--full-rebuild)."""
    run_id = new_run_id()
    started = dt.datetime.now()
    sources: list[dict] = []
    try:
        with _exclusive(lake_dir):
            # logged as running first, so a run killed at any point still shows in the log (the next run names it)
            _write_run_row(lake_dir, run_id, started, None, "running", "运行中")
            for message in close_interrupted_runs(lake_dir, db, run_id):
                log.warning("[log] %s", message)
            remove_stale_builds(db)
            _run(run_id, started, inbox, db, lake_dir, sources, as_of, full_rebuild)
    except RunSkipped as e:
        _write_run_row(lake_dir, run_id, started, dt.datetime.now(), "skipped", str(e))
        log.info("run %s: %s", run_id, e)
        raise
    except RunFailed as e:
        _log_failure(lake_dir, run_id, started, sources, str(e))
        raise
    except Exception as e:  # any other failure: still one line, and the run is logged
        msg = f"{type(e).__name__}: {e}".splitlines()[0]
        _log_failure(lake_dir, run_id, started, sources, msg)
        raise RunFailed(msg) from e
    return RunResult(run_id, "success", f"published {db}", sources)


def _run(
    run_id, started, inbox: Path, db: Path, lake_dir: Path, sources: list[dict], as_of: dt.datetime | None, full_rebuild: bool
) -> None:
    t0 = time.perf_counter()
    run_time = as_of or started
    if not inbox.is_dir():
        raise RunFailed(f"inbox folder {inbox} does not exist (set --inbox or DASHBOARD_INBOX)")
    head = publish.start(db, full_rebuild)  # the publish's head start, while the inbox is read
    try:
        _ingest_and_publish(run_id, started, t0, run_time, inbox, db, lake_dir, sources, as_of, full_rebuild, head)
    finally:
        head.discard()  # the copy, unless the publish used it (then it was swapped in, or removed on failure)


def _ingest_and_publish(run_id, started, t0, run_time, inbox, db, lake_dir, sources, as_of, full_rebuild, head) -> None:
    entries = inbox_scan(inbox)
    for e in entries:
        if e.status != "file":
            sources.append(_source_row(printable(e.path.name), e.status, 0, 0, 0, e.message))
            log.warning("[inbox] %s", e.message)
    # gazette issues first (indicator actuals are checked against the plan they carry), then by name
    files = sorted((e.path for e in entries if e.status == "file"), key=lambda p: (not is_gazette(p), p.name))
    log.info("run %s: %d file(s) in %s", run_id, len(files), inbox)
    # tabular files go to a staging folder as they are read, so only one file is in memory at a time;
    # the staging folder joins the lake only once every file has been read
    with lake.staging(lake_dir, run_id) as staging:
        parsed, staged, export_s = _extract_all(files, staging, lake_dir, sources, run_time, reread=full_rebuild)
        issues = [r.issue for r in parsed]
        dupes = {i for i in issues if issues.count(i) > 1}
        if dupes:
            raise RunFailed(f"the inbox holds more than one file for gazette issue(s) {', '.join(sorted(dupes))}")

        for res in parsed:
            lake.write_partition(staging, res.dataset, res.partition, res.tables)
        lake.promote(staging, lake_dir)
        for version in lake.migrate(lake_dir, LAKE_MIGRATIONS):
            log.info("[lake] migrated to lake version %d", version)
        ingest_s = time.perf_counter() - t0
        ingest_rss = peak_rss_mb()
        log.info("[lake] wrote %d gazette and %d table-file partition(s) to %s", len(parsed), staged, lake_dir)
        calendar, cal_warnings = cal.build_calendar(calendar_end(latest_receipt(lake_dir), run_time))
        log.info("[calendar] %d days, %d working days", calendar.height, calendar["is_workday"].sum())
        finished = dt.datetime.now()
        current = pl.DataFrame(
            [{**s, "run_id": run_id, "started_at": started, "finished_at": finished} for s in sources]
            + [
                {
                    "run_id": run_id,
                    "started_at": started,
                    "finished_at": finished,
                    "status": "success",
                    "source": "publish",
                    "rows_in": sum(s["rows_in"] for s in sources),
                    "rows_loaded": sum(s["rows_loaded"] for s in sources),
                    "rows_rejected": sum(s["rows_rejected"] for s in sources),
                    "message": f"warehouse {db.name} published",
                }
            ],
            schema=RUN_SCHEMA,
        )
        previous = read_run_log(lake_dir)
        if previous is not None:
            previous = previous.filter(pl.col("run_id") != run_id)  # this run's own 'running' row
        runs = current if previous is None or previous.is_empty() else pl.concat([previous.cast(RUN_SCHEMA), current])
        extra = pl.DataFrame(cal_warnings, schema=FINDING_SCHEMA).with_columns(issue=pl.lit(None, pl.Utf8))
        built = publish.build(
            db,
            lake_dir,
            calendar,
            extra,
            runs,
            {"run_id": run_id, "built_at": finished.isoformat(timespec="seconds")},
            as_of=as_of,
            full_rebuild=full_rebuild,
            head=head,
        )
        log.info("[publish] built and checked %s (%s)", built.path.name, built.plan.describe())
        publish.swap(built.path, db)
        lake.append_run_log(lake_dir, run_id, current)
        total_s = time.perf_counter() - t0
        # one machine-readable line: python -m bench reads the stages from it
        log.info(
            "[timing] ingest %.3f s (12345 exports %.3f s), publish %.3f s (%s), total %.3f s, peak RSS %d MB (ingest %d MB)",
            ingest_s,
            export_s,
            total_s - ingest_s,
            "incremental" if built.plan.incremental else "full rebuild",
            total_s,
            peak_rss_mb(),
            ingest_rss,
        )
        # after the timing line: the warehouse is served; this readies the next run's incremental publish
        publish.make_spare(db)
        log.info("run %s: success in %.1f s", run_id, total_s)


def _extract_all(
    files: list[Path], staging: Path, lake_dir: Path, sources: list[dict], run_time: dt.datetime, reread: bool = False
) -> tuple[list[Extraction], int, float]:
    """Read every inbox file: gazettes are kept in memory (they are small, and later files need their plan),
    tabular exports are staged one by one; an export the lake holds from this very file (lake.same_source) is not
    read again unless reread. Returns the gazettes, the number of staged files and the seconds spent on 12345
    exports; appends one run-log row per file to sources."""
    parsed: list[Extraction] = []
    ctx = Context(run_time, pii.salt(lake_dir), lambda: indicator_catalog(parsed, lake_dir), staging)
    staged = 0
    export_s = 0.0  # reading, checking and staging the 12345 exports
    for k, path in enumerate(files, 1):
        t_file = time.perf_counter()
        if is_gazette(path):
            try:
                res = parse_gazette(path, known_leaders(lake_dir, parsed))
            except GazetteFormatError as e:
                sources.append(_source_row(path.name, "failed", 0, 0, 0, str(e)))
                raise RunFailed(printable(str(e))) from e
            lost = lost_sections(res, lake_dir)
            if lost:
                message = (
                    f"{path.name}: issue {res.issue} is already loaded, and this delivery lacks {'; '.join(lost)}; "
                    "the file is rejected and the loaded issue kept. To withdraw the sections on purpose, delete "
                    f"lake/gazette/issue={res.issue} and run again with the new file."
                )
                sources.append(_source_row(path.name, "rejected", res.rows_in, 0, 0, message))
                log.error("[extract %d/%d] %s", k, len(files), printable(message))
                continue
            parsed.append(res)
            sources.append(_source_row(path.name, "success", res.rows_in, res.rows_loaded, res.rows_rejected, res.summary))
            log.info("[extract %d/%d] %s: %s", k, len(files), printable(path.name), res.summary)
        elif (kind := next((t for t in TABULAR if t.claims(path)), None)) is not None:
            if not reread and lake.same_source(lake_dir, kind.dataset, path, run_time):
                message = "与已载入的文件相同（大小、修改时间和读取规则均未变），未重新读取"
                sources.append(_source_row(path.name, "unchanged", 0, 0, 0, message))
                log.info("[extract %d/%d] %s: unchanged since it was loaded, not read again", k, len(files), printable(path.name))
                continue
            try:
                res = kind.extract(path, ctx)
            except FileRejected as e:
                # the whole file is rejected, the run goes on: the message names the file and the reason
                shutil.rmtree(staging / kind.dataset / lake.file_partition(path.name), ignore_errors=True)
                sources.append(_source_row(path.name, "rejected", 0, 0, 0, str(e)))
                reject = {"rejects": _file_reject(path.name, str(e))}
                lake.write_partition(staging, f"{kind.dataset}_file_reject", lake.file_partition(path.name), reject)
                log.error("[extract %d/%d] %s", k, len(files), printable(str(e)))
                continue
            lake.write_partition(staging, res.dataset, res.partition, res.tables)
            lake.record_source(staging / res.dataset / res.partition, path, run_time, res.depends_on_run_time)
            staged += 1
            if res.dataset == "hotline":
                export_s += time.perf_counter() - t_file
            sources.append(_source_row(path.name, "success", res.rows_in, res.rows_loaded, res.rows_rejected, res.summary))
            log.info("[extract %d/%d] %s: %s (%.2f s)", k, len(files), printable(path.name), res.summary, time.perf_counter() - t_file)
            del res
        elif path.suffix.lower() in (".csv", ".xlsx"):
            message = tabular.problem(path)
            sources.append(_source_row(path.name, "rejected", 0, 0, 0, message))
            log.error("[extract %d/%d] %s", k, len(files), printable(message))
        else:
            sources.append(_source_row(path.name, "skipped", 0, 0, 0, "没有适用于此文件类型的提取器，已跳过"))
            log.warning("[extract %d/%d] %s: no extractor for this file, skipped", k, len(files), printable(path.name))
    return parsed, staged, export_s


def _caller_key_64(lake_dir: Path) -> None:
    for path in hotline.upgrade_lake(lake_dir):
        log.info("[lake] upgraded %s to the 64-bit caller key", path.parent.name)


# lake version -> the step that brings an older lake to it (each runs once per lake: etl.lake.migrate)
LAKE_MIGRATIONS = {2: _caller_key_64}


@dataclass(frozen=True)
class Tabular:
    """One kind of tabular inbox file: which files it claims, and how to extract one."""

    dataset: str
    claims: Callable[[Path], bool]
    extract: Callable[[Path, Context], Extraction]


# checked in this order; the first kind that claims a file extracts it
TABULAR = (
    Tabular(
        "hotline",
        lambda p: hotline.sniff_header(p) is not None,
        lambda path, ctx: hotline.extract(
            path, ctx.salt, ctx.run_time, is_demo=is_demo_file(path), out_dir=ctx.partition_dir("hotline", path.name)
        ),
    ),
    Tabular(
        "indicator",
        indicator.sniff,
        lambda path, ctx: indicator.extract(path, ctx.catalog(), is_demo=is_demo_file(path)),
    ),
    Tabular(
        "concession",
        lambda p: concession.sniff(p) is not None,
        lambda path, ctx: concession.extract(path, is_demo=is_demo_file(path)),
    ),
)


def indicator_catalog(parsed: list[Extraction], lake_dir: Path) -> pl.DataFrame:
    """专栏1 of every plan (a plan is its 文号; of each, the newest issue that prints it): from this run's
    gazettes and the lake."""
    frames = [r.tables["plan_indicator"] for r in parsed if r.tables["plan_indicator"].height]
    glob = lake.table_glob(lake_dir, "gazette", "plan_indicator")
    if glob:
        frames.append(pl.read_parquet(glob, hive_partitioning=False))
    if not frames:
        return pl.DataFrame()
    df = pl.concat(frames, how="diagonal_relaxed")
    return df.filter(pl.col("issue") == pl.col("issue").max().over("doc_no")).unique(["doc_no", "seq"])


def _file_reject(name: str, message: str) -> pl.DataFrame:
    return pl.DataFrame(
        [{"source_file": name, "row": None, "column": None, "reason": message, "value": None}], schema=tabular.REJECT_SCHEMA
    )


def peak_rss_mb() -> int:
    """This process's peak resident memory. VmHWM, not getrusage: ru_maxrss survives exec, so a process
    started by a large parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def is_demo_file(path: Path) -> bool:
    """Files written by `python -m etl demo` carry 演示 in their name; their rows are marked as demo data."""
    return "演示" in path.name or path.name.lower().startswith("demo")


def _source_row(source, status, rows_in, loaded, rejected, message) -> dict:
    """One run-log row for one inbox file; names and messages escaped (a file name can hold a newline)."""
    return {
        "source": printable(source),
        "status": status,
        "rows_in": rows_in,
        "rows_loaded": loaded,
        "rows_rejected": rejected,
        "message": printable(message),
    }


def _write_run_row(lake_dir: Path, run_id: str, started, finished, status: str, message: str) -> None:
    row = {"run_id": run_id, "started_at": started, "finished_at": finished, "source": "publish", "status": status, "message": message}
    lake.append_run_log(lake_dir, run_id, pl.DataFrame([row], schema=RUN_SCHEMA))


def close_interrupted_runs(lake_dir: Path, db: Path, current: str) -> list[str]:
    """Runs still logged as running were killed (this run holds the lock, so none is alive). One that had
    already swapped in its warehouse is completed as a success; the others are marked killed."""
    runs = read_run_log(lake_dir)
    if runs is None:
        return []
    stuck = runs.filter((pl.col("status") == "running") & (pl.col("run_id") != current))
    if stuck.is_empty():
        return []
    served = served_run_id(db)
    out = []
    for run_id, started in stuck.select("run_id", "started_at").iter_rows():
        if run_id == served:
            status, message = (
                "success",
                f"warehouse {db.name} published; the run was interrupted after the swap (completed by run {current})",
            )
        else:
            status, message = (
                "killed",
                f"interrupted (process killed or machine stopped); found by run {current}; the served warehouse was not changed",
            )
        _write_run_row(lake_dir, run_id, started, None, status, message)
        out.append(f"run {run_id}: {message}")
    return out


def served_run_id(db: Path) -> str | None:
    """The run that built the warehouse now served (None when there is none or it cannot be read)."""
    if not db.exists():
        return None
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute("SELECT value FROM warehouse_info WHERE key = 'run_id'").fetchone()
    except duckdb.Error:
        row = None
    finally:
        con.close()
    return row[0] if row else None


def known_leaders(lake_dir: Path, parsed: list[Extraction]) -> pl.DataFrame:
    """The roster learnt from every issue in the lake and those read earlier in this run (leader, title)."""
    frames = [r.tables["chronicle_leader"].select("leader", "title") for r in parsed]
    glob = lake.table_glob(lake_dir, "gazette", "chronicle_leader")
    if glob:
        frames.append(pl.read_parquet(glob, columns=["leader", "title"], hive_partitioning=False))
    return pl.concat(frames).unique("leader", keep="first") if frames else pl.DataFrame(schema={"leader": pl.Utf8, "title": pl.Utf8})


def latest_receipt(lake_dir: Path) -> dt.datetime | None:
    """The latest 受理时间 in the lake (from the Parquet statistics: no ticket is read)."""
    glob = lake.table_glob(lake_dir, "hotline", "tickets")
    if not glob:
        return None
    con = duckdb.connect()
    try:
        return con.execute("SELECT max(received_at) FROM read_parquet(?, union_by_name = true)", [glob]).fetchone()[0]
    finally:
        con.close()


def remove_stale_builds(db: Path) -> list[Path]:
    """Build files a killed publish left beside the warehouse (they can be gigabytes): the build file, its WAL,
    DuckDB's spill folder (<build>.tmp), and a spare copy not finished (publish.make_spare); the caller holds the lock."""
    stale = sorted([*db.parent.glob(f".{db.name}.building-*"), *db.parent.glob(f".{db.name}.spare-part-*")]) if db.parent.is_dir() else []
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        log.warning("[publish] removed %s, left by a killed run", path.name)
    return stale


def lost_sections(res: Extraction, lake_dir: Path) -> list[str]:
    """Sections a re-delivered issue no longer yields although the loaded copy of that issue has them."""
    folder = lake_dir / "gazette" / f"issue={res.issue}"
    out = []
    for table, label in GAZETTE_SECTIONS.items():
        path = folder / f"{table}.parquet"
        if res.tables[table].is_empty() and path.exists():
            before = pl.scan_parquet(path).select(pl.len()).collect().item()
            if before:
                out.append(f"{label} ({table}: {before} rows loaded, 0 in this file)")
    return out


def _log_failure(lake_dir: Path, run_id: str, started, sources: list[dict], message: str) -> None:
    finished = dt.datetime.now()
    rows = [{**s, "run_id": run_id, "started_at": started, "finished_at": finished} for s in sources]
    message = printable(message)
    rows.append(
        {
            "run_id": run_id,
            "started_at": started,
            "finished_at": finished,
            "status": "failed",
            "source": "publish",
            "rows_in": None,
            "rows_loaded": None,
            "rows_rejected": None,
            "message": message,
        }
    )
    try:
        lake.append_run_log(lake_dir, run_id, pl.DataFrame(rows, schema=RUN_SCHEMA))
    except OSError:
        log.exception("could not write the run log for failed run %s", run_id)
