"""Build a new DuckDB warehouse from the lake and the reference tables, check it, swap it in atomically.

The new file is built beside the served one under a temporary name; only when every check passes does
os.replace put it in place. Anything that fails before that leaves the served warehouse untouched.
DuckDB allows one writer or many readers per file: the ETL only ever writes the temporary file.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import duckdb
import polars as pl

from etl import lake, reference
from etl.config import WAREHOUSE_DIR
from etl.sources.gazette import SCHEMAS as GAZETTE_TABLES

log = logging.getLogger(__name__)
SCHEMA_VERSION = "1"


class CheckFailed(RuntimeError):
    pass


def sql_file(name: str) -> str:
    return (WAREHOUSE_DIR / name).read_text(encoding="utf-8")


def named_checks() -> list[tuple[str, str]]:
    """'-- check: name' blocks of warehouse/checks.sql."""
    parts = re.split(r"^-- check:\s*(\S+)\s*$", sql_file("checks.sql"), flags=re.M)
    return [(parts[i], parts[i + 1].strip().rstrip(";")) for i in range(1, len(parts), 2)]


def build(
    target: Path, lake_dir: Path, calendar: pl.DataFrame, extra_findings: pl.DataFrame, runs: pl.DataFrame, info: dict[str, str]
) -> Path:
    """Build the warehouse into a temporary file next to target; returns its path (not yet swapped in)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    for stale in (tmp, Path(f"{tmp}.wal")):
        stale.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            _fill(con, lake_dir, calendar, extra_findings, runs, info)
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


def _fill(con, lake_dir, calendar, extra_findings, runs, info) -> None:
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
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?, union_by_name = true)", [glob])
    con.execute("INSERT INTO dq_finding BY NAME SELECT * FROM src_findings")
    con.execute(
        "INSERT INTO department SELECT DISTINCT department, '12345热线归并清单（附件1）', false, NULL "
        "FROM hotline_line WHERE department IS NOT NULL"
    )
    con.execute("INSERT INTO etl_run BY NAME SELECT * FROM src_runs")
    con.executemany(
        "INSERT INTO warehouse_info VALUES (?, ?)", [(k, str(v)) for k, v in {**info, "schema_version": SCHEMA_VERSION}.items()]
    )
    con.execute(sql_file("views.sql"))


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
