"""`python -m etl status`: the last runs, table row counts and data freshness."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from etl.pipeline import served_run_id
from etl.publish import table_counts
from warehouse.runlog import read_run_log, schedule_summary


def print_status(db: Path, lake_dir: Path) -> int:
    runs = read_run_log(lake_dir)
    print("== 当前服务的数据仓库 (served warehouse) ==")
    served = served_run_id(db)
    if served is None:
        print(f"  none at {db}")
    else:
        mine = runs.filter((pl.col("run_id") == served) & (pl.col("source") == "publish")) if runs is not None else None
        logged = f"{mine['status'][0]}: {mine['message'][0]}" if mine is not None and mine.height else "not in the run log"
        print(f"  {db} built by run {served} ({logged})")
    print("\n== 最近运行 (last runs) ==")
    if runs is None:
        print("  (no runs yet)")
    else:
        last = runs.filter(pl.col("source") == "publish").sort("started_at", descending=True).head(5)
        for r in last.iter_rows(named=True):
            print(f"  {r['run_id']}  {r['started_at']:%Y-%m-%d %H:%M:%S}  {r['status']:<8} {r['message']}")
    _print_schedule(lake_dir, runs)
    if not db.exists():
        print(f"\nno warehouse at {db}: run `python -m etl run` first")
        return 1
    print(f"\n== 表行数 (row counts) in {db} ==")
    for name, n in table_counts(db):
        print(f"  {name:<24} {n:>10,}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        print("\n== 数据新鲜度 (freshness) ==")
        for label, latest, n, age, limit, stale in con.execute(
            "SELECT label, latest_date, row_count, age_days, max_age_days, stale FROM v_freshness"
        ).fetchall():
            flag = f"  ⚠ older than {limit} days" if stale else ""
            print(f"  {label:<12} latest {latest or '—'}  ({'—' if age is None else f'{age} days'} before the run)  rows {n:,}{flag}")
        built = dict(con.execute("SELECT key, value FROM warehouse_info").fetchall())
        print(f"  warehouse built {built.get('built_at')} by run {built.get('run_id')}")
    finally:
        con.close()
    return 0


def _print_schedule(lake_dir: Path, runs: pl.DataFrame | None) -> None:
    print("\n== 计划任务 (schedule) ==")
    try:
        s = schedule_summary(lake_dir, runs)
    except ValueError as e:
        print(f"  {e}")
        return
    for k, v in s.items():
        print(f"  {k:<12} {v}")
