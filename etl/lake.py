"""The lake: Parquet datasets, one folder per domain, partitioned by issue (gazette) or by run (run log).

Writing a partition replaces it whole (write to a temporary name, then os.replace), so loading the
same file twice leaves the lake as it was, and a second gazette issue never touches the first.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import polars as pl


def write_partition(lake: Path, dataset: str, partition: str, tables: dict[str, pl.DataFrame]) -> Path:
    folder = lake / dataset / partition
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        tmp = folder / f".{name}.parquet.tmp"
        df.write_parquet(tmp, compression="zstd", compression_level=1)  # the fastest zstd: the lake is written on every run
        os.replace(tmp, folder / f"{name}.parquet")
    return folder


def file_partition(file_name: str) -> str:
    """A partition folder name for one source file: readable, and unique per exact file name."""
    readable = re.sub(r"[^\w.-]+", "_", file_name)[:80]
    return f"file={readable}-{hashlib.sha1(file_name.encode()).hexdigest()[:8]}"


def promote(staging: Path, lake: Path) -> list[tuple[str, str]]:
    """Move every partition folder of a staging lake into the lake, each replacing its namesake;
    returns (dataset, partition) moved."""
    moved = []
    for folder in sorted(staging.glob("*/*")) if staging.is_dir() else []:
        dataset, partition = folder.parent.name, folder.name
        target = lake / dataset / partition
        target.parent.mkdir(parents=True, exist_ok=True)
        old = target.with_name(f".{partition}.replaced")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(folder, target)
        shutil.rmtree(old, ignore_errors=True)
        moved.append((dataset, partition))
    return moved


@contextmanager
def staging(lake: Path, run_id: str):
    """A staging folder for one run, removed afterwards whatever happens; promote() moves its partitions
    into the lake. Staging folders and replaced partitions a killed run left behind are cleared first
    (the caller holds the ETL lock, so no other run is writing)."""
    for folder in [*lake.glob(".staging-*"), *lake.glob("*/.*.replaced")]:
        shutil.rmtree(folder, ignore_errors=True)
    folder = lake / f".staging-{run_id}"
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_partition(lake: Path, dataset: str, partition: str) -> None:
    shutil.rmtree(lake / dataset / partition, ignore_errors=True)


def table_glob(lake: Path, dataset: str, table: str) -> str | None:
    """A read_parquet() glob for one table across partitions, or None when no partition has it."""
    files = sorted((lake / dataset).glob(f"*/{table}.parquet"))
    return str(lake / dataset / "*" / f"{table}.parquet") if files else None


def append_run_log(lake: Path, run_id: str, rows: pl.DataFrame) -> None:
    folder = lake / "etl_run"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{run_id}.parquet.tmp"
    rows.write_parquet(tmp)
    os.replace(tmp, folder / f"{run_id}.parquet")


def read_run_log(lake: Path) -> pl.DataFrame | None:
    files = sorted((lake / "etl_run").glob("*.parquet"))
    return pl.read_parquet(files) if files else None
