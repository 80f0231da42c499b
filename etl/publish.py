"""Build a new DuckDB warehouse from the lake and the reference tables, check it, swap it in atomically.

The new file is built beside the served one under a temporary name; only when every check passes does
os.replace put it in place. Anything that fails before that leaves the served warehouse untouched.
DuckDB allows one writer or many readers per file: the ETL only ever writes the temporary file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from pathlib import Path

import duckdb
import polars as pl

from etl import lake, models
from etl.config import ETL_MEMORY_LIMIT
from etl.sources.gazette import SCHEMAS as GAZETTE_TABLES
from warehouse import reference
from warehouse.contract import WAREHOUSE_SCHEMA_VERSION
from warehouse.paths import WAREHOUSE_DIR

log = logging.getLogger(__name__)


class CheckFailed(RuntimeError):
    pass


def sql_file(name: str) -> str:
    return (WAREHOUSE_DIR / name).read_text(encoding="utf-8")


def named_checks() -> list[tuple[str, str]]:
    """'-- check: name' blocks of warehouse/checks.sql."""
    parts = re.split(r"^-- check:\s*(\S+)\s*$", sql_file("checks.sql"), flags=re.M)
    return [(parts[i], parts[i + 1].strip().rstrip(";")) for i in range(1, len(parts), 2)]


def build(
    target: Path,
    lake_dir: Path,
    calendar: pl.DataFrame,
    extra_findings: pl.DataFrame,
    runs: pl.DataFrame,
    info: dict[str, str],
    as_of: dt.datetime | None = None,
) -> Path:
    """Build the warehouse into a temporary file next to target; returns its path (not yet swapped in)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    for stale in (tmp, Path(f"{tmp}.wal")):
        stale.unlink(missing_ok=True)
    try:
        # a bounded build: DuckDB spills to disk beyond this, so the ETL stays within its memory budget
        # (docs/PERFORMANCE.md) however many tickets the lake holds
        con = duckdb.connect(str(tmp), config={"memory_limit": ETL_MEMORY_LIMIT})
        try:
            _fill(con, lake_dir, calendar, extra_findings, runs, info, as_of)
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


def _fill(con, lake_dir, calendar, extra_findings, runs, info, as_of) -> None:
    con.execute(sql_file("schema.sql"))
    con.register("src_county", reference.counties())
    con.register("src_alias", reference.county_aliases())
    con.register("src_calendar", calendar)
    con.register("src_findings", extra_findings)
    con.register("src_runs", runs)
    con.execute("INSERT INTO county BY NAME SELECT * EXCLUDE (adcode), TRY_CAST(adcode AS INTEGER) AS adcode FROM src_county")
    con.execute("INSERT INTO county_alias BY NAME SELECT * FROM src_alias")
    con.execute("INSERT INTO calendar BY NAME SELECT * FROM src_calendar")
    for table in GAZETTE_TABLES:
        glob = lake.table_glob(lake_dir, "gazette", table)
        if glob:
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?, union_by_name = true, hive_partitioning = false)", [glob]
            )
    con.execute("INSERT INTO dq_finding BY NAME SELECT * FROM src_findings")
    con.execute(
        "INSERT INTO department SELECT DISTINCT department, '12345热线归并清单（附件1）', false, NULL "
        "FROM hotline_line WHERE department IS NOT NULL"
    )
    con.execute("INSERT INTO etl_run BY NAME SELECT * FROM src_runs")
    _fill_hotline(con, lake_dir, as_of, info)
    _fill_concession(con, lake_dir)
    _insert_lake(con, lake_dir, "indicator", "actuals", "indicator_actual_version")
    _insert_lake(con, lake_dir, "indicator", "rejects", "indicator_reject")
    _insert_lake(con, lake_dir, "indicator_file_reject", "rejects", "indicator_reject")
    models.build(con)
    con.executemany(
        "INSERT INTO warehouse_info VALUES (?, ?)", [(k, str(v)) for k, v in {**info, "schema_version": WAREHOUSE_SCHEMA_VERSION}.items()]
    )


def _fill_hotline(con, lake_dir: Path, as_of: dt.datetime | None, info: dict[str, str]) -> None:
    con.register("src_hotline_rules", reference.load("hotline_rules"))
    con.register("src_hotline_settings", reference.load("hotline_settings"))
    con.execute(
        "INSERT INTO hotline_rule BY NAME SELECT * REPLACE (TRY_CAST(standard_days AS INTEGER) AS standard_days, "
        "TRY_CAST(max_days AS INTEGER) AS max_days, TRY_CAST(extension_days AS INTEGER) AS extension_days, "
        "TRY_CAST(max_extensions AS INTEGER) AS max_extensions) FROM src_hotline_rules"
    )
    con.execute("INSERT INTO hotline_setting BY NAME SELECT * REPLACE (CAST(value AS DOUBLE) AS value) FROM src_hotline_settings")
    # the lake's tickets are read where they lie (the hotline models write each ticket to the warehouse once)
    glob = lake.table_glob(lake_dir, "hotline", "tickets")
    source = (
        f"read_parquet('{glob.replace(chr(39), chr(39) * 2)}', union_by_name = true, hive_partitioning = false)"
        if glob
        else "(FROM hotline_ticket_version WHERE false)"
    )
    con.execute(f"CREATE TEMP VIEW src_hotline_ticket AS SELECT * FROM {source}")
    _insert_lake(con, lake_dir, "hotline", "rejects", "hotline_reject")
    _insert_lake(con, lake_dir, "hotline_file_reject", "rejects", "hotline_reject")
    latest = con.execute(
        "SELECT max(greatest(received_at, coalesce(dispatched_at, received_at), coalesce(signed_at, received_at), "
        "coalesce(returned_at, received_at), coalesce(closed_at, received_at))) FROM src_hotline_ticket"
    ).fetchone()[0]
    cutoff = as_of or latest
    con.execute("SET VARIABLE as_of = ?::TIMESTAMP", [cutoff])
    con.executemany(
        "INSERT INTO warehouse_info VALUES (?, ?)",
        [
            ("hotline_as_of", str(cutoff) if cutoff else ""),
            ("hotline_as_of_source", "--as-of" if as_of else "latest timestamp in the data"),
        ],
    )


def _insert_lake(con, lake_dir: Path, dataset: str, table: str, target: str) -> None:
    glob = lake.table_glob(lake_dir, dataset, table)
    if glob:
        con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM read_parquet(?, union_by_name = true, hive_partitioning = false)", [glob])


def _fill_concession(con, lake_dir: Path) -> None:
    con.register("src_rubric", reference.load("concession_rubric"))
    con.register("src_veto", reference.load("concession_veto_rule"))
    con.execute(
        "INSERT INTO concession_rubric BY NAME SELECT * REPLACE (group_no::INTEGER AS group_no, group_max::DOUBLE AS group_max, "
        "max_points::DOUBLE AS max_points, inferred::BOOLEAN AS inferred) FROM src_rubric"
    )
    con.execute("INSERT INTO concession_veto_rule BY NAME SELECT veto_no::INTEGER AS veto_no, text FROM src_veto")
    con.register("src_concession_settings", reference.load("concession_settings"))
    con.execute("INSERT INTO concession_setting BY NAME SELECT * REPLACE (CAST(value AS DOUBLE) AS value) FROM src_concession_settings")
    _insert_lake(con, lake_dir, "concession", "sheets", "concession_sheet_version")
    _insert_lake(con, lake_dir, "concession", "scores", "concession_score_version")
    _insert_lake(con, lake_dir, "concession", "rejects", "concession_reject")
    _insert_lake(con, lake_dir, "concession_file_reject", "rejects", "concession_reject")


def run_checks(con) -> None:
    failures = []
    for name, query in named_checks():
        rows = con.execute(query).fetchall()
        if rows:
            failures.append(f"{name}: {len(rows)} row(s), e.g. {rows[0]}")
    if failures:
        raise CheckFailed("warehouse checks failed: " + "; ".join(failures))


def table_counts(db: Path) -> list[tuple[str, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()
        ]
        return [(t, con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables]
    finally:
        con.close()
