"""python -m bench.ingest FILE — one 12345 export read, checked and staged as a run stages it (etl.sources.hotline.extract
into a staging partition), in this fresh process: its rows, seconds and peak RSS as JSON on the last line."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.pipeline import peak_rss_mb  # noqa: E402
from etl.sources import hotline  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.ingest")
    ap.add_argument("file")
    args = ap.parse_args(argv)
    path = Path(args.file)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-", dir=path.parent) as tmp:
        t = time.perf_counter()
        res = hotline.extract(path, "bench", dt.datetime(2100, 1, 1), out_dir=Path(tmp) / "hotline" / "file=bench")
        seconds = time.perf_counter() - t
    print(
        json.dumps(
            {
                "rows": res.rows_in,
                "loaded": res.rows_loaded,
                "seconds": round(seconds, 2),
                "rows_per_s": round(res.rows_in / seconds),
                "peak_rss_mb": peak_rss_mb(),
                "bytes": path.stat().st_size,
                "summary": res.summary,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
