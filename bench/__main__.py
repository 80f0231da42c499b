"""python -m bench [--tickets 1000000 ...] — measures ingest, publish, page queries, page renders and memory
on demo data, and writes docs/PERFORMANCE.md and docs/performance.json.

Each size runs in its own temporary folder: a UTF-8 and a GB18030 export of N tickets are ingested through
the real pipeline (python -m etl run, in a subprocess so its peak RSS can be read), against the floor of bare
DuckDB reading the same CSV into Parquet; then the app's queries are timed directly (no Streamlit cache) for
the whole city and for one county over 6 months, each against one hand-written SQL statement where there is one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.config import SHIPPED_SOURCES  # noqa: E402

TARGETS = {
    "query_p95_ms": 150,
    "query_floor_ratio": 2.0,
    "render_s": 1.5,
    "ingest_rows_per_s": 200_000,
    "ingest_floor_ratio": 4.0,
    "gb18030_ratio": 2.0,
    "publish_s": 60,
    "app_rss_mb": 1536,
    "etl_rss_mb": 4096,
}

# (query file, the page parameters) — every query the 12345热线 and 总览 pages issue for the hotline
QUERIES = [("hotline_kpis", {"by": b}) for b in ("all", "month", "county", "department", "category", "channel", "topic")] + [
    ("hotline_close_days", {}),
    ("hotline_overdue", {}),
    ("hotline_options", None),
    ("scope_options", None),
]
FLOORS = {  # one hand-written statement computing the same figures
    "hotline_kpis:all": "SELECT count(*), count(closed_at), count(*) FILTER (WHERE closed_on_time) FROM hotline_ticket WHERE month BETWEEN $m_from AND $m_to {county}",
    "hotline_kpis:month": "SELECT month, count(*), count(closed_at) FROM hotline_ticket WHERE month BETWEEN $m_from AND $m_to {county} GROUP BY month",
    "hotline_kpis:county": "SELECT county, count(*), count(closed_at) FROM hotline_ticket WHERE month BETWEEN $m_from AND $m_to {county} GROUP BY county",
}


def _run_etl(inbox: Path, db: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `python -m etl run` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "etl", "run", "--inbox", str(inbox), "--db", str(db)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    secs = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return secs, max(peak, before) / 1024


def _time(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _stats(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"median_ms": round(statistics.median(ms), 1), "p95_ms": round(ms[max(0, int(len(ms) * 0.95) - 1)], 1)}


def bench_size(n: int, work: Path, repeat: int) -> dict:
    from etl.demo import _export, generate

    work.mkdir(parents=True, exist_ok=True)
    df, _ = generate(n, seed=7)
    export = _export(df)
    utf8, gb = work / "utf8" / "工单_bench.csv", work / "gb" / "工单_bench.csv"
    for p in (utf8, gb):
        p.parent.mkdir(parents=True, exist_ok=True)
    text = export.write_csv()
    utf8.write_bytes(text.encode("utf-8"))
    gb.write_bytes(text.encode("gb18030"))
    del df, export, text
    for folder in (utf8.parent, gb.parent):
        for g in SHIPPED_SOURCES.glob("*.txt"):
            shutil.copy2(g, folder / g.name)
    result: dict = {"tickets": n}

    t = time.perf_counter()
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{utf8}', all_varchar = true)) TO '{work / 'floor.parquet'}' (FORMAT parquet)")
    floor_s = time.perf_counter() - t
    secs, rss = _run_etl(utf8.parent, work / "w_utf8.duckdb")
    gb_secs, gb_rss = _run_etl(gb.parent, work / "w_gb.duckdb")
    empty = work / "empty"
    empty.mkdir()
    publish_s, _ = _run_etl(empty, work / "w_utf8.duckdb")
    result["ingest"] = {
        "utf8_s": round(secs, 2),
        "utf8_rows_per_s": round(n / secs),
        "floor_s": round(floor_s, 2),
        "floor_ratio": round(secs / floor_s, 1),
        "gb18030_s": round(gb_secs, 2),
        "gb18030_ratio": round(gb_secs / secs, 2),
        "etl_peak_rss_mb": round(max(rss, gb_rss)),
    }
    # a run with an empty inbox rebuilds the warehouse from the lake: the publish step alone (plus start-up)
    result["publish_s"] = round(publish_s, 2)

    os.environ["DASHBOARD_DB"] = str(work / "w_utf8.duckdb")
    from dashboard import db
    from dashboard.queries import sql

    db.close()
    con = db  # the app's connection module: the queries run exactly as the pages run them, minus the Streamlit cache
    months = [
        r[0]
        for r in duckdb.connect(str(work / "w_utf8.duckdb"), read_only=True)
        .sql("SELECT DISTINCT month FROM hotline_ticket ORDER BY 1")
        .fetchall()
    ]
    scopes = {"全市 全部月份": ([], months[0], months[-1]), "宣威市 6 个月": (["宣威市"], months[-6], months[-1])}
    queries = {}
    for label, (counties, m_from, m_to) in scopes.items():
        base = {"counties": counties, "departments": [], "m_from": m_from, "m_to": m_to, "categories": [], "channels": []}
        for name, extra in QUERIES:
            params = None if extra is None else {**base, **extra}
            key = f"{name}:{extra['by']}" if extra and "by" in extra else name
            ms = _time(lambda name=name, params=params: con.query(sql(name), params), repeat)
            entry = _stats(ms)
            if key in FLOORS:
                floor_sql = FLOORS[key].format(county="AND list_contains($counties, county)" if counties else "")
                fparams = {"m_from": m_from, "m_to": m_to, **({"counties": counties} if counties else {})}
                fl = _stats(_time(lambda q=floor_sql, p=fparams: con.query(q, p), repeat))
                entry["floor_median_ms"] = fl["median_ms"]
                entry["floor_ratio"] = round(entry["median_ms"] / max(fl["median_ms"], 0.01), 2)
            queries[f"{label} · {key}"] = entry
    result["queries"] = queries

    from streamlit.testing.v1 import AppTest

    renders = {}
    for page in ("overview", "hotline"):
        times = []
        for _ in range(3):
            at = AppTest.from_string(f"from dashboard.views.{page} import render\nrender()\n", default_timeout=300)
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
        renders[page] = round(min(times), 2)
    result["render_s"] = renders
    result["app_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    db.close()
    return result


def verdicts(r: dict) -> list[str]:
    """Met / missed per target, for the size measured."""
    i, t = r["ingest"], TARGETS
    worst_p95 = max(q["p95_ms"] for q in r["queries"].values())
    worst_ratio = max((q["floor_ratio"] for q in r["queries"].values() if "floor_ratio" in q), default=0)
    checks = [
        ("ingest ≥ 200,000 tickets/s", i["utf8_rows_per_s"] >= t["ingest_rows_per_s"], f"{i['utf8_rows_per_s']:,}/s"),
        ("ingest within 4× the DuckDB floor", i["floor_ratio"] <= t["ingest_floor_ratio"], f"{i['floor_ratio']}×"),
        ("GB18030 within 2× of UTF-8", i["gb18030_ratio"] <= t["gb18030_ratio"], f"{i['gb18030_ratio']}×"),
        ("every query p95 ≤ 150 ms", worst_p95 <= t["query_p95_ms"], f"worst {worst_p95} ms"),
        ("queries within 2× their floor", worst_ratio <= t["query_floor_ratio"], f"worst {worst_ratio}×"),
        ("总览 and 12345热线 render ≤ 1.5 s", max(r["render_s"].values()) <= t["render_s"], f"{max(r['render_s'].values())} s"),
        ("publish ≤ 60 s", r["publish_s"] <= t["publish_s"], f"{r['publish_s']} s"),
        ("ETL peak RSS ≤ 4 GB", i["etl_peak_rss_mb"] <= t["etl_rss_mb"], f"{i['etl_peak_rss_mb']} MB"),
        ("app RSS ≤ 1.5 GB", r["app_rss_mb"] <= t["app_rss_mb"], f"{r['app_rss_mb']} MB"),
    ]
    return [f"{'met' if ok else '**missed**'}: {name} ({value})" for name, ok, value in checks]


def write_report(results: list[dict], out: Path) -> None:
    lines = [
        f"# Performance\n\nMeasured {dt.datetime.now():%Y-%m-%d %H:%M} on {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB (`python -m bench`). Targets from issue 7 in brackets.\n"
    ]
    for r in results:
        i = r["ingest"]
        lines += [
            f"\n## {r['tickets']:,} tickets\n",
            "| measure | value | target |",
            "|---|---|---|",
            f"| ingest UTF-8 CSV (whole `etl run`) | {i['utf8_s']} s = {i['utf8_rows_per_s']:,} tickets/s | ≥ 200,000/s |",
            f"| floor: DuckDB CSV → Parquet | {i['floor_s']} s (ratio {i['floor_ratio']}×) | ≤ 4× |",
            f"| ingest GB18030 | {i['gb18030_s']} s ({i['gb18030_ratio']}× UTF-8) | ≤ 2× |",
            f"| publish (empty inbox, rebuild from lake) | {r['publish_s']} s | ≤ 60 s at 10 M |",
            f"| ETL peak RSS | {i['etl_peak_rss_mb']} MB | ≤ 4,096 MB |",
            f"| render 总览 / 12345热线 (AppTest) | {r['render_s']['overview']} s / {r['render_s']['hotline']} s | ≤ 1.5 s |",
            f"| app process peak RSS | {r['app_rss_mb']} MB | ≤ 1,536 MB |",
            "",
            "| query | median ms | p95 ms | floor median ms | ratio |",
            "|---|---|---|---|---|",
        ]
        for k, q in r["queries"].items():
            lines.append(f"| {k} | {q['median_ms']} | {q['p95_ms']} | {q.get('floor_median_ms', '—')} | {q.get('floor_ratio', '—')} |")
        lines += ["", "Against the targets:", ""] + [f"- {line}" for line in verdicts(r)]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--tickets", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--out", default=str(ROOT / "docs" / "PERFORMANCE.md"))
    args = ap.parse_args(argv)
    results = []
    saved = os.environ.get("DASHBOARD_DB")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            for n in args.tickets:
                print(f"bench: {n:,} tickets …", flush=True)
                results.append(bench_size(n, Path(tmp) / str(n), args.repeat))
                print(json.dumps(results[-1]["ingest"], ensure_ascii=False), flush=True)
    finally:
        if saved is None:
            os.environ.pop("DASHBOARD_DB", None)
        else:
            os.environ["DASHBOARD_DB"] = saved
    write_report(results, Path(args.out))
    print(f"bench: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
