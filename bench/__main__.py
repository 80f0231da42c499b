"""python -m bench [--tickets 1000000 10000000 ...] — measures ingest, publish, page queries, page renders and
memory on demo data, and writes the measured part of docs/PERFORMANCE.md (between its bench markers) and
docs/PERFORMANCE.json.

Each size runs in its own temporary folder. Demo tickets are written as CSV exports of at most 1 million
tickets each (as a hotline system exports them month by month), beside the gazette and the demo concession
sheets and indicator actuals. At the first size — 1 million — a UTF-8 and
a GB18030 copy are ingested through the real pipeline (python -m etl run, in a child process whose own peak
RSS is read), against the floor of bare DuckDB reading the same CSV into Parquet in the same run. At larger
sizes the UTF-8 files are ingested to build the warehouse. Then a run with an empty inbox times the publish
alone, and python -m bench.app, in a fresh process, times the pages' queries and renders and reports its RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import publish  # noqa: E402
from etl.config import ETL_MEMORY_LIMIT  # noqa: E402
from warehouse.paths import SHIPPED_SOURCES  # noqa: E402

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
    "brief_s": 10,
    "felt_median_s": 0.8,
    "felt_p95_s": 1.5,
    "new_tab_s": 2.5,
    "filter_cpu_ms": 150,
    "incremental_s": 10,
    "one_file_rss_mb": 2048,
}
# the province-scale targets (issue 17), in force from PROVINCE tickets on in place of the 10 M ones they name
PROVINCE = 100_000_000
PROVINCE_TARGETS = {"publish_s": 600, "incremental_s": 30}
# the ETL's DuckDB memory cap for a province-size build, as a share of this machine's memory, unless
# DASHBOARD_ETL_MEMORY says otherwise: under the default 2 GB, 100 M tickets spill about 21 GB and rebuild in 22 min
PROVINCE_MEMORY_SHARE = 0.5
FILTER_CHANGES = ("change county", "change month range")  # the interactions whose server CPU has a target
NEW_TAB = "open a page in a new tab"
BRIEF_MONTH = "2025-12"  # the demo's last month (etl.demo)
BRIEF_COUNTY = "宣威市"
FILE_TICKETS = 1_000_000  # tickets per export file
MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"
TIMING = re.compile(
    r"\[timing\] ingest ([\d.]+) s \(12345 exports ([\d.]+) s\), publish ([\d.]+) s \((incremental|full rebuild)\), total ([\d.]+) s, "
    r"peak RSS (\d+) MB \(ingest (\d+) MB\)"
)
PLANNED = re.compile(r"\[publish\] built and checked \S+ \((.*)\)$", re.M)
FROM_SPARE = publish.SPARE_USED
# how the publish came by the copy of the served warehouse it patched (etl.publish.start), by from_spare
COPY_TAKEN = {True: "it patched the spare copy the run before left", False: "the served warehouse copied while the file is read"}
TOUCHED = re.compile(r"\[publish\] incremental: (\d+) new export file\(s\), (\d+) ticket\(s\) computed again")
MONTH_SHARE = 40  # one new monthly export: about 1/40 of the history (250,000 tickets at 10 M)
# the monthly export as issue 17 sizes it ("one new monthly export (≈ 250,000 tickets)"): at province scale the bench
# publishes one of these as well, after the month of 1/40 of the history (2.5 M tickets at 100 M), and judges both
MONTH_EXPORT = 250_000
# the GB18030 copy and the one-file stage have targets set at 10 M; beyond it they are not run (at 100 M their CSVs alone
# would need about 80 GB), and the exports are deleted once the lake holds them
SINGLE_MACHINE_MAX = 10_000_000


def write_exports(n: int, folder: Path, encoding: str = "utf-8") -> list[Path]:
    """n demo tickets as CSV exports of at most FILE_TICKETS each; ticket numbers are unique across files."""
    from etl.demo import _export, generate

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, start in enumerate(range(0, n, FILE_TICKETS)):
        size = min(FILE_TICKETS, n - start)
        df, _ = generate(size, seed=7 + k)
        export = _export(df.with_columns(ticket_id=pl.lit(f"B{k:02d}") + pl.col("ticket_id")))
        path = folder / f"工单_bench_{k:02d}.csv"
        path.write_bytes(export.write_csv().encode(encoding))
        paths.append(path)
    return paths


def write_other_domains(folder: Path) -> None:
    """The gazette, and concession score sheets and indicator actuals at their demo sizes."""
    from etl.demo import write_concession_files, write_indicator_files

    for g in SHIPPED_SOURCES.glob("*.txt"):
        shutil.copy2(g, folder / g.name)
    write_concession_files(folder)
    write_indicator_files(folder)


def machine_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def etl_memory(n: int) -> str:
    """The ETL's memory cap at this size: DASHBOARD_ETL_MEMORY if set; else, from PROVINCE tickets on, a share of the
    machine's memory; else the ETL's default."""
    if n >= PROVINCE and not os.environ.get("DASHBOARD_ETL_MEMORY"):
        return f"{int(machine_gib() * PROVINCE_MEMORY_SHARE)}GB"
    return ETL_MEMORY_LIMIT


def run_etl(inbox: Path, db: Path, *flags: str, memory: str = ETL_MEMORY_LIMIT) -> dict:
    """One `python -m etl run` in a child process, its DuckDB capped at memory: its stage timings, publish mode and peak
    RSS, from its [timing] line."""
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "run", "--inbox", str(inbox), "--db", str(db), *flags],
        cwd=ROOT,
        env={**os.environ, "DASHBOARD_ETL_MEMORY": memory},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    m = TIMING.search(proc.stderr)
    if proc.returncode or not m:
        raise RuntimeError(f"etl run failed or printed no timing line: {proc.stderr[-800:]}")
    ingest, exports, publish, mode, total, rss, ingest_rss = m.groups()
    touched = TOUCHED.search(proc.stderr)
    return {
        "ingest_s": float(ingest),
        "exports_s": float(exports),
        "publish_s": float(publish),
        "publish_mode": mode,
        "total_s": float(total),
        "rss_mb": int(rss),
        "ingest_rss_mb": int(ingest_rss),
        "touched_tickets": int(touched.group(2)) if touched else None,
        "plan": m2.group(1) if (m2 := PLANNED.search(proc.stderr)) else None,
        "from_spare": FROM_SPARE in proc.stderr,  # the copy it patched was the last run's spare (no copy waited for)
    }


def floor_csv_to_parquet(files: list[Path], out: Path) -> float:
    """Bare DuckDB: the same CSV export(s), every column as text, into one Parquet file."""
    t = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_csv({[str(f) for f in files]!r}, all_varchar = true)) TO '{out}' (FORMAT parquet)",
    )
    con.close()
    return time.perf_counter() - t


def bench_size(n: int, work: Path, repeat: int, ingest_encodings: bool, browser_repeat: int = 10) -> dict:
    print(f"bench: {n:,} tickets: writing exports …", flush=True)
    utf8 = write_exports(n, work / "utf8")
    write_other_domains(utf8[0].parent)
    result: dict = {"tickets": n, "files": len(utf8)}
    floor_s = floor_csv_to_parquet(utf8, work / "floor.parquet")
    (work / "floor.parquet").unlink()  # measured: its disk is the ingest's
    print(f"bench: {n:,} tickets: ingest …", flush=True)
    memory = etl_memory(n)
    if memory != ETL_MEMORY_LIMIT:
        print(
            f"bench: {n:,} tickets: the ETL's memory cap {memory} ({PROVINCE_MEMORY_SHARE:.0%} of this machine's; set DASHBOARD_ETL_MEMORY to choose)",
            flush=True,
        )
    u = run_etl(utf8[0].parent, work / "w.duckdb", memory=memory)
    ingest = {
        "utf8_s": u["exports_s"],
        "utf8_rows_per_s": round(n / u["exports_s"]),
        "utf8_ingest_s": u["ingest_s"],
        "utf8_run_s": u["total_s"],
        "floor_s": round(floor_s, 2),
        "floor_ratio": round(u["exports_s"] / floor_s, 2),
        "etl_peak_rss_mb": u["rss_mb"],
    }
    if ingest_encodings:
        gb = write_exports(n, work / "gb", "gb18030")
        write_other_domains(gb[0].parent)
        g = run_etl(gb[0].parent, work / "gb_warehouse" / "w.duckdb", memory=memory)  # its own lake: the same file names, other bytes
        ingest |= {"gb18030_s": g["exports_s"], "gb18030_ratio": round(g["exports_s"] / u["exports_s"], 2)}
        ingest["etl_peak_rss_mb"] = max(u["rss_mb"], g["rss_mb"])
        shutil.rmtree(gb[0].parent)
        shutil.rmtree(work / "gb_warehouse")
    result["ingest"] = ingest
    print(json.dumps(ingest, ensure_ascii=False), flush=True)
    if n > SINGLE_MACHINE_MAX:
        for path in utf8:
            path.unlink()

    empty = work / "empty"
    empty.mkdir()
    p = run_etl(empty, work / "w.duckdb", "--full-rebuild", memory=memory)  # rebuild from the lake: the publish step alone
    result["publish_s"] = p["publish_s"]
    result["publish_run_s"] = p["total_s"]
    result["publish_rss_mb"] = p["rss_mb"]
    print(f"bench: {n:,} tickets: full rebuild {p['publish_s']} s; one new month …", flush=True)
    result["incremental"] = incremental_stage(n, work, utf8[0].parent, memory)
    print(f"bench: {n:,} tickets: {json.dumps(result['incremental'])}; one file …", flush=True)
    if n >= PROVINCE:
        result["incremental_export"] = incremental_stage(n, work, utf8[0].parent, memory, MONTH_EXPORT, "2026-02", "next_export", "NE")
        print(f"bench: {n:,} tickets: one export of {MONTH_EXPORT:,}: {json.dumps(result['incremental_export'])}", flush=True)
    if FILE_TICKETS < n <= SINGLE_MACHINE_MAX:
        result["one_file"] = one_file_stage(utf8, work)
        print(f"bench: {n:,} tickets: {json.dumps(result['one_file'], ensure_ascii=False)}; queries and renders …", flush=True)

    result["etl_memory"] = memory
    spares = publish.spare_files(work / "w.duckdb")
    result["disk_mb"] = {"lake": folder_mb(work / "lake"), "warehouse": folder_mb(work / "w.duckdb"), "spare": sum(map(folder_mb, spares))}
    result["brief_s"] = {scope: time_brief(work, scope) for scope in ("全市", BRIEF_COUNTY)}
    print(f"bench: {n:,} tickets: 月度简报 {result['brief_s']}", flush=True)

    result |= measured_in_child("bench.app", work / "w.duckdb", repeat)
    if browser_repeat:
        print(f"bench: {n:,} tickets: felt latency in Chromium …", flush=True)
        result |= measured_in_child("bench.browser", work / "w.duckdb", browser_repeat)
    return result


def folder_mb(path: Path) -> float:
    """A file's or folder's size on disk."""
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    return round(sum(f.stat().st_blocks * 512 for f in files) / 2**20, 1)


def incremental_stage(
    n: int,
    work: Path,
    inbox: Path,
    memory: str = ETL_MEMORY_LIMIT,
    size: int | None = None,
    month: str = "2026-01",
    name: str = "next_month",
    prefix: str = "NM",
) -> dict:
    """One new month's export (size tickets, n / MONTH_SHARE unless given, received in month, after the history)
    dropped into the inbox that built the warehouse, its ticket numbers prefixed: the run reads that file only and
    publishes incrementally."""
    from etl.demo import _export, generate

    size = size or max(1, n // MONTH_SHARE)
    df, _ = generate(size, seed=4242, first=month, last=month)
    new = inbox / f"工单_bench_{name}.csv"
    new.write_bytes(_export(df.with_columns(ticket_id=pl.lit(prefix) + pl.col("ticket_id"))).write_csv().encode())
    r = run_etl(inbox, work / "w.duckdb", memory=memory)
    return {
        "tickets": size,
        "ingest_s": r["exports_s"],
        "publish_s": r["publish_s"],
        "run_s": r["total_s"],
        "mode": r["publish_mode"],
        "touched_tickets": r["touched_tickets"],
        "rss_mb": r["rss_mb"],
        "plan": r["plan"],
        "from_spare": r["from_spare"],
    }


def one_file_stage(files: list[Path], work: Path) -> dict:
    """The exports as one file, in UTF-8 and in GB18030 (a year of the whole city in one export), each read by
    `python -m bench.ingest` in a fresh process: seconds, rows per second and peak RSS."""
    from etl.sources.encoding import BLOCK

    folder = work / "one"
    folder.mkdir()
    utf8, gb = folder / "工单_全年.csv", folder / "工单_全年_gb18030.csv"
    with open(utf8, "wb") as out:
        for k, path in enumerate(files):
            with open(path, "rb") as fh:
                header = fh.readline()
                if k == 0:
                    out.write(header)
                shutil.copyfileobj(fh, out, BLOCK)
    with open(utf8, encoding="utf-8", newline="") as src, open(gb, "w", encoding="gb18030", newline="") as out:
        while chunk := src.read(BLOCK):
            out.write(chunk)
    result = {}
    for label, path in (("utf8", utf8), ("gb18030", gb)):
        proc = subprocess.run([sys.executable, "-m", "bench.ingest", str(path)], cwd=ROOT, capture_output=True, text=True)
        if proc.returncode:
            raise RuntimeError(f"bench.ingest failed: {proc.stderr[-1500:]}")
        result[label] = json.loads(proc.stdout.strip().splitlines()[-1])
        path.unlink()
    return result


def measured_in_child(module: str, db: Path, repeat: int) -> dict:
    """`python -m <module> --db … --repeat …` in a fresh process: the JSON of its last line."""
    proc = subprocess.run(
        [sys.executable, "-m", module, "--db", str(db), "--repeat", str(repeat)], cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode:
        raise RuntimeError(f"{module} failed: {proc.stderr[-1500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def time_brief(work: Path, scope: str) -> float:
    """One briefing (PDF and Word) by `python -m etl brief` in a fresh process: its wall time, imports included."""
    args = ["--month", BRIEF_MONTH, "--out", str(work / "outbox"), "--db", str(work / "w.duckdb")]
    if scope != "全市":
        args += ["--county", scope]
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "etl", "brief", *args], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"etl brief failed: {proc.stderr[-1500:]}")
    return round(time.perf_counter() - t, 2)


def verdicts(r: dict) -> list[str]:
    """Met / missed per target, for one size."""
    i = r["ingest"]
    t = TARGETS | (PROVINCE_TARGETS if r["tickets"] >= PROVINCE else {})
    worst_p95 = max(q["p95_ms"] for q in r["queries"].values())
    worst_ratio = max(q["floor_ratio"] for q in r["queries"].values())
    checks = [
        ("ingest ≥ 200,000 tickets/s", i["utf8_rows_per_s"] >= t["ingest_rows_per_s"], f"{i['utf8_rows_per_s']:,}/s"),
        ("ingest within 4× the DuckDB floor", i["floor_ratio"] <= t["ingest_floor_ratio"], f"{i['floor_ratio']}×"),
    ]
    if "gb18030_ratio" in i:
        checks.append(("GB18030 within 2× of UTF-8", i["gb18030_ratio"] <= t["gb18030_ratio"], f"{i['gb18030_ratio']}×"))
    # the issues set these at 10 million tickets, some again at 100 M; at other sizes they are shown for reference
    reference = " [target set at 10 M; for reference]"
    at_10m = "" if 10_000_000 <= r["tickets"] <= SINGLE_MACHINE_MAX else reference
    at_scale = "" if r["tickets"] >= PROVINCE else at_10m
    # at province scale the month of 1/40 of the history is 10× the monthly export issue 17 sets the 30 s for, which is
    # published and judged after it; the month is shown beside it, its cost growing with its own size (docs/PERFORMANCE.md)
    month_beyond = f" [{r['incremental']['tickets']:,} tickets, 1/40 of the history: beyond issue 17's monthly export; for reference]"
    checks += [
        ("every query p95 ≤ 150 ms" + at_scale, worst_p95 <= t["query_p95_ms"], f"worst {worst_p95} ms"),
        ("queries within 2× their floor" + at_10m, worst_ratio <= t["query_floor_ratio"], f"worst {worst_ratio}×"),
        ("总览 and 12345热线 render ≤ 1.5 s" + at_10m, max(r["render_s"].values()) <= t["render_s"], f"{max(r['render_s'].values())} s"),
        (f"publish ≤ {t['publish_s']} s" + at_scale, r["publish_s"] <= t["publish_s"], f"{r['publish_s']} s"),
        ("ETL peak RSS ≤ 4 GB" + at_10m, max(i["etl_peak_rss_mb"], r["publish_rss_mb"]) <= t["etl_rss_mb"],
         f"{max(i['etl_peak_rss_mb'], r['publish_rss_mb'])} MB"),
        (f"one new month publishes incrementally in ≤ {t['incremental_s']} s" + (month_beyond if r["tickets"] >= PROVINCE else at_scale),
         r["incremental"]["mode"] == "incremental" and r["incremental"]["publish_s"] <= t["incremental_s"],
         f"{r['incremental']['mode']}, {r['incremental']['publish_s']} s"),
        *[(f"one export of {e['tickets']:,} tickets (issue 17's monthly export) publishes incrementally in ≤ {t['incremental_s']} s",
           e["mode"] == "incremental" and e["publish_s"] <= t["incremental_s"], f"{e['mode']}, {e['publish_s']} s")
          for e in filter(None, [r.get("incremental_export")])],
        ("app RSS ≤ 1.5 GB", r["app_rss_mb"] <= t["app_rss_mb"], f"{r['app_rss_mb']} MB"),
    ]  # fmt: skip
    for label, f in r.get("one_file", {}).items():
        checks.append(
            (f"one {f['rows']:,}-row {label} file ingests in ≤ 2 GB", f["peak_rss_mb"] <= t["one_file_rss_mb"],
             f"{f['peak_rss_mb']} MB, {f['rows_per_s']:,} rows/s")
        )  # fmt: skip
    if "brief_s" in r:
        worst = max(r["brief_s"].values())
        checks.append(("one 月度简报 ≤ 10 s" + at_10m, worst <= t["brief_s"], f"worst {worst} s"))
    for name, b in r.get("browser", {}).items():
        if name == NEW_TAB:
            checks.append(
                (f"{name} ≤ 2.5 s (median)" + at_10m, b["median_s"] <= t["new_tab_s"], f"median {b['median_s']} s, p95 {b['p95_s']} s")
            )
        else:
            ok = b["median_s"] <= t["felt_median_s"] and b["p95_s"] <= t["felt_p95_s"]
            checks.append((f"{name}: median ≤ 0.8 s, p95 ≤ 1.5 s" + at_10m, ok, f"{b['median_s']} s / {b['p95_s']} s"))
        if name in FILTER_CHANGES:
            checks.append((f"{name}: server CPU ≤ 150 ms" + at_10m, b["server_cpu_ms"] <= t["filter_cpu_ms"], f"{b['server_cpu_ms']} ms"))
    return [f"{'met' if ok else '**missed**'}: {name} ({value})" for name, ok, value in checks]


def report(results: list[dict]) -> str:
    mem = machine_gib()
    at = results[-1].get("measured_at") or f"{dt.datetime.now():%Y-%m-%d %H:%M}"  # a report written again keeps its time
    lines = [f"Measured {at} on {os.cpu_count()} cores, {mem:.0f} GiB (`python -m bench`)."]
    for r in results:
        i = r["ingest"]
        gb = f"{i['gb18030_s']} s ({i['gb18030_ratio']}× UTF-8)" if "gb18030_s" in i else "not measured at this size"
        lines += [
            f"\n### {r['tickets']:,} tickets ({r['files']} export file{'s' if r['files'] > 1 else ''})\n",
            "| measure | value | target |",
            "|---|---|---|",
            f"| ingest UTF-8 CSV: read, check and stage the 12345 exports | {i['utf8_s']} s = {i['utf8_rows_per_s']:,} tickets/s "
            f"(whole ingest with gazette, concessions, indicators and the lake: {i['utf8_ingest_s']} s; whole `etl run` with publish: "
            f"{i['utf8_run_s']} s) | ≥ 200,000/s |",
            f"| floor: bare DuckDB, CSV → Parquet | {i['floor_s']} s (ratio {i['floor_ratio']}×) | ≤ 4× |",
            f"| ingest GB18030 | {gb} | ≤ 2× |",
            f"| publish (empty inbox, `--full-rebuild`: rebuild the warehouse from the lake, check, swap) | {r['publish_s']} s | ≤ 60 s at 10 M, ≤ 600 s at 100 M |",
            f"| one new month ({r['incremental']['tickets']:,} tickets) dropped into the inbox: read it ({r['incremental']['ingest_s']} s), "
            f"then publish ({r['incremental']['mode']}, {r['incremental']['touched_tickets'] or 0:,} tickets computed again; "
            f"{COPY_TAKEN[bool(r['incremental'].get('from_spare'))]}) | {r['incremental']['publish_s']} s (whole run {r['incremental'].get('run_s', '—')} s) "
            f"| ≤ 10 s at 10 M, ≤ 30 s at 100 M |",
            *(
                f"| then one export of {e['tickets']:,} tickets (issue 17's monthly export), the month after: read it ({e['ingest_s']} s), "
                f"then publish ({e['mode']}, {e['touched_tickets'] or 0:,} tickets computed again; {COPY_TAKEN[bool(e.get('from_spare'))]}) "
                f"| {e['publish_s']} s (whole run "
                f"{e['run_s']} s) | ≤ 30 s at 100 M |"
                for e in filter(None, [r.get("incremental_export")])
            ),
            *(
                f"| one export file of {f['rows']:,} rows, {f['bytes'] / 2**30:.1f} GiB, {label} (`python -m bench.ingest`) "
                f"| {f['seconds']} s = {f['rows_per_s']:,} rows/s, peak RSS {f['peak_rss_mb']} MB | ≤ 2,048 MB |"
                for label, f in r.get("one_file", {}).items()
            ),
            f"| ETL peak RSS (ingest run / publish run) | {i['etl_peak_rss_mb']} MB / {r['publish_rss_mb']} MB | ≤ 4,096 MB |",
            f"| render, AppTest, data cache emptied ({'; '.join(f'{k}: {v} s' for k, v in r['render_s'].items())}) "
            f"| worst {max(r['render_s'].values())} s | ≤ 1.5 s |",
            f"| app process peak RSS (queries and renders) | {r['app_rss_mb']} MB | ≤ 1,536 MB |",
            f"| disk: lake / warehouse / the spare copy the next publish patches (a publish writes a second warehouse beside it) | "
            f"{r['disk_mb']['lake']:,} MB / {r['disk_mb']['warehouse']:,} MB / {r['disk_mb'].get('spare', 0):,} MB | reported |",
            f"| the ETL's DuckDB memory cap (`DASHBOARD_ETL_MEMORY`) | {r['etl_memory']} | — |",
            *(
                [
                    f"| 月度简报 {BRIEF_MONTH}, PDF and Word, `python -m etl brief` in a fresh process "
                    f"({'; '.join(f'{k}: {v} s' for k, v in r['brief_s'].items())}) | worst {max(r['brief_s'].values())} s | ≤ 10 s |"
                ]
                if "brief_s" in r
                else []
            ),  # fmt: skip
            "",
            "| query | median ms | p95 ms | floor median / p95 ms | ratio | same KPIs counted on hotline_ticket, ms |",
            "|---|---|---|---|---|---|",
        ]
        for k, q in r["queries"].items():
            lines.append(
                f"| {k} | {q['median_ms']} | {q['p95_ms']} | {q['floor_median_ms']} / {q['floor_p95_ms']} | {q['floor_ratio']} "
                f"| {q.get('ticket_scan_median_ms', '—')} |"
            )
        if r.get("browser"):
            lines += [
                "",
                "Felt latency (`python -m bench.browser`: `streamlit run` on this warehouse, headless Chromium at 1440×900, from the "
                "action until the run has ended and every chart in view has drawn; server CPU from /proc of the server process):",
                "",
                "| interaction | n | median s | p95 s | max s | server CPU ms (median) | per core per second |",
                "|---|---|---|---|---|---|---|",
                *[
                    f"| {k} | {b['n']} | {b['median_s']} | {b['p95_s']} | {b['max_s']} | {b['server_cpu_ms']} | {b['per_core_per_s']} |"
                    for k, b in r["browser"].items()
                ],
            ]
        lines += ["", "Against the targets:", ""] + [f"- {line}" for line in verdicts(r)]
    return "\n".join(lines)


def write_report(results: list[dict], out: Path) -> None:
    """Replace the measured section of the report (between the bench markers), keeping the text around it."""
    body = f"{MARK_START}\n{report(results)}\n{MARK_END}"
    text = out.read_text(encoding="utf-8") if out.exists() else f"# Performance\n\n{MARK_START}\n{MARK_END}\n"
    if MARK_START not in text:
        text += f"\n{MARK_START}\n{MARK_END}\n"
    head, rest = text.split(MARK_START, 1)
    tail = rest.split(MARK_END, 1)[1] if MARK_END in rest else "\n"
    out.write_text(head + body + tail, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--tickets", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--out", default=str(ROOT / "docs" / "PERFORMANCE.md"))
    ap.add_argument("--browser-repeat", type=int, default=10, help="repetitions of each interaction in Chromium (0: no browser stage)")
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for k, n in enumerate(args.tickets):
            results.append(
                bench_size(
                    n,
                    Path(tmp) / str(n),
                    args.repeat,
                    ingest_encodings=k == 0 and n <= SINGLE_MACHINE_MAX,
                    browser_repeat=args.browser_repeat,
                )
            )
            shutil.rmtree(Path(tmp) / str(n), ignore_errors=True)
            results[-1]["measured_at"] = f"{dt.datetime.now():%Y-%m-%d %H:%M}"
    write_report(results, Path(args.out))
    print(f"bench: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
