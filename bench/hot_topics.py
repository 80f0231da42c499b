"""The cost of 热点诉求 to the ETL: `python -m bench.hot_topics [--tickets N] [--dir DIR]`.

Four ETL runs over the same demo inbox (written once): two with the hot-problem step replaced by nothing, two with it
(the first segments every export file, the second finds them all in the lake's cache). Prints the seconds of each;
docs/PERFORMANCE.md records a run at 1 M tickets."""

from __future__ import annotations

import argparse
import logging
import shutil
import time
from pathlib import Path

from etl import hot_topics
from etl.demo import write_files
from etl.pipeline import run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=Path("data/bench-hot"))
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    inbox = args.dir / "inbox"
    if not inbox.exists():
        write_files(inbox, n=args.tickets, seed=11, first="2022-01", last="2025-12")

    def timed(label: str, lake: Path, db: Path) -> float:
        started = time.perf_counter()
        run(inbox, db, lake)
        seconds = time.perf_counter() - started
        print(f"{label}: {seconds:.1f} s", flush=True)
        return seconds

    for name in ("lake-without", "lake-with"):
        shutil.rmtree(args.dir / name, ignore_errors=True)
    real = hot_topics.load
    hot_topics.load = lambda con, lake_dir: None
    timed("without 热点诉求, first run", args.dir / "lake-without", args.dir / "without.duckdb")
    base = timed("without 热点诉求, second run", args.dir / "lake-without", args.dir / "without.duckdb")
    hot_topics.load = real
    first = timed("with 热点诉求, first run (segments every export file)", args.dir / "lake-with", args.dir / "with.duckdb")
    cached = timed("with 热点诉求, second run (from the lake's cache)", args.dir / "lake-with", args.dir / "with.duckdb")
    print(f"cost: {100 * (cached / base - 1):+.0f}% on a run from the cache, {100 * (first / base - 1):+.0f}% on the first")


if __name__ == "__main__":
    main()
