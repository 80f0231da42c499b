"""The lake: Parquet datasets, one folder per domain, partitioned by issue (gazette) or by run (run log).

A run writes its partitions to a staging folder; promote() moves them into the lake under a journal, each
replacing its namesake whole, so loading the same file twice leaves the lake as it was, a second gazette issue
never touches the first, and a run killed at any point is completed or undone by the next (recover()).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from warehouse.runlog import RUN_LOG_DIR

log = logging.getLogger(__name__)


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


SOURCE_FILE = "_source.json"
# what extracting a file reads besides the file: a change to any of it means reading the file again
EXTRACTION_INPUTS = ("warehouse/reference/*.csv", "etl/sources/*.py", "etl/pii.py")


def _source_stamp(path: Path) -> dict:
    from warehouse.paths import PROJECT_ROOT

    h = hashlib.sha1()
    for pattern in EXTRACTION_INPUTS:
        for f in sorted(PROJECT_ROOT.glob(pattern)):
            h.update(f.name.encode() + f.read_bytes())
    st = path.stat()
    return {"file": path.name, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "rules": h.hexdigest()[:16]}


def record_source(folder: Path, path: Path, run_time: dt.datetime, depends_on_run_time: bool) -> None:
    """Notes in a staged partition which file it was read from (name, size, modification time), under which rules
    and at which run time, so that the next run need not read the same file again (same_source)."""
    stamp = {**_source_stamp(path), "run_time": run_time.isoformat(), "depends_on_run_time": depends_on_run_time}
    (folder / SOURCE_FILE).write_text(json.dumps(stamp), encoding="utf-8")


def same_source(lake: Path, dataset: str, path: Path, run_time: dt.datetime) -> bool:
    """The lake's partition of this file was read from this very file, under today's rules (rsync's quick check:
    name, size and modification time), and reading it now would give the same: none of its rows was refused as later
    than that run's time, and this run's time is not earlier (which could make a loaded row a future one). Times are
    compared at whole seconds, the resolution of the exports' timestamps: a row is later than a run's time exactly
    when it is later than that time's whole second, so a run at a build's recorded run_at (whole seconds) counts as
    the same time as the run that built it."""
    stamp = lake / dataset / file_partition(path.name) / SOURCE_FILE
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        read_at = dt.datetime.fromisoformat(recorded.pop("run_time"))
        depends = recorded.pop("depends_on_run_time")
    except (OSError, ValueError, KeyError):
        return False
    return recorded == _source_stamp(path) and not depends and run_time.replace(microsecond=0) >= read_at.replace(microsecond=0)


JOURNAL = ".promote-journal.json"


def _step(label: str) -> None:
    """Called between the steps of a promotion; tests replace it to kill the process at each step."""


def promote(staging: Path, lake: Path) -> list[tuple[str, str]]:
    """Move every partition folder of a staging lake into the lake, each replacing its namesake; returns
    (dataset, partition) moved.

    Recoverable at every instant: a journal naming the staging folder and its partitions is written first
    (the commit point: from then on the run's data is in the lake, even if the process dies), and each
    partition then moves in two renames (the old one aside, the staged one in). A run killed anywhere in
    between is rolled forward by the next run (recover()), which never deletes the only copy of a partition."""
    moves = [(f.parent.name, f.name) for f in sorted(staging.glob("*/*"))] if staging.is_dir() else []
    if not moves:
        return []
    journal = lake / JOURNAL
    tmp = journal.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"staging": staging.name, "moves": moves}, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, journal)
    _step("journal written")
    _roll_forward(lake, staging, moves)
    journal.unlink()
    _step("journal removed")
    return moves


def _roll_forward(lake: Path, staging: Path, moves: list) -> None:
    for dataset, partition in moves:
        target = lake / dataset / partition
        staged = staging / dataset / partition
        old = target.with_name(f".{partition}.replaced")
        target.parent.mkdir(parents=True, exist_ok=True)
        if staged.exists():
            if target.exists():
                if old.exists():  # an older leftover: the partition being replaced is target, not old
                    shutil.rmtree(old)
                os.replace(target, old)
                _step(f"old partition set aside: {dataset}/{partition}")
            os.replace(staged, target)
            _step(f"staged partition moved in: {dataset}/{partition}")
        elif not target.exists() and old.exists():  # never leave a partition with no copy
            os.replace(old, target)
        shutil.rmtree(old, ignore_errors=True)
        if not dataset.endswith("_file_reject"):  # the file now loads: its earlier whole-file rejection goes
            shutil.rmtree(lake / f"{dataset}_file_reject" / partition, ignore_errors=True)
        _step(f"done: {dataset}/{partition}")
    shutil.rmtree(staging, ignore_errors=True)
    _step("staging removed")


def recover(lake: Path) -> list[str]:
    """Finish or undo what a killed run left in the lake; the caller holds the ETL lock. A journal means the
    run had committed: its promotion is rolled forward. Staging folders without a journal are runs that never
    committed (their files are still in the inbox): they are removed. Returns what was done, for the log."""
    done = []
    journal = lake / JOURNAL
    if journal.exists():
        spec = json.loads(journal.read_text(encoding="utf-8"))
        _roll_forward(lake, lake / spec["staging"], [tuple(m) for m in spec["moves"]])
        journal.unlink()
        done.append(f"completed the promotion of {len(spec['moves'])} partition(s) that a killed run had committed")
    journal.with_suffix(".tmp").unlink(missing_ok=True)
    for folder in lake.glob(".staging-*"):
        shutil.rmtree(folder, ignore_errors=True)
        done.append(f"removed {folder.name}, left by a run killed before it committed")
    for old in lake.glob("*/.*.replaced"):
        target = old.with_name(old.name[1 : -len(".replaced")])
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, target)
            done.append(f"restored {target.parent.name}/{target.name}")
    return done


@contextmanager
def staging(lake: Path, run_id: str):
    """A staging folder for one run; promote() moves its partitions into the lake. What a killed run left
    behind is recovered first (the caller holds the ETL lock, so no other run is writing). On failure the
    folder is removed; once promote() has committed, it is promote's to finish."""
    for message in recover(lake):
        log.warning("[lake] %s", message)
    folder = lake / f".staging-{run_id}"
    try:
        yield folder
    finally:
        if not (lake / JOURNAL).exists():
            shutil.rmtree(folder, ignore_errors=True)


def table_glob(lake: Path, dataset: str, table: str) -> str | None:
    """A read_parquet() glob for one table across partitions, or None when no partition has it."""
    files = sorted((lake / dataset).glob(f"*/{table}.parquet"))
    return str(lake / dataset / "*" / f"{table}.parquet") if files else None


def append_run_log(lake: Path, run_id: str, rows: pl.DataFrame) -> None:
    folder = lake / RUN_LOG_DIR
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{run_id}.parquet.tmp"
    rows.write_parquet(tmp)
    os.replace(tmp, folder / f"{run_id}.parquet")


VERSION_FILE = ".lake-version"


def version(lake: Path) -> int:
    """The lake's format version: 1 when never recorded (lakes from before versions were kept)."""
    path = lake / VERSION_FILE
    return int(path.read_text().strip()) if path.exists() else 1


def migrate(lake: Path, steps: dict[int, Callable[[Path], None]]) -> list[int]:
    """Run, in order, every step that brings the lake to a version above its own, recording each as it
    completes: a step runs once per lake, not on every run. Returns the versions reached."""
    done = []
    for target in sorted(v for v in steps if v > version(lake)):
        steps[target](lake)
        lake.mkdir(parents=True, exist_ok=True)
        tmp = lake / f"{VERSION_FILE}.tmp"
        tmp.write_text(str(target))
        os.replace(tmp, lake / VERSION_FILE)
        done.append(target)
    return done
