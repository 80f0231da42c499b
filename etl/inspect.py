"""`python -m etl inspect FILE`: what a run would make of one file, without loading anything.

The check an operator runs before dropping a file in the inbox: what the file is recognised as, each section (a
gazette) or column (an export) and what it yields, and the first findings or rejects. Nothing is written: the lake,
the warehouse and the inbox are left as they are (an export is read in a temporary folder).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl

from etl import inbox
from etl.sources import canon, tabular
from etl.sources.extraction import Context
from etl.sources.gazette import GAZETTE_SECTIONS, GazetteFormatError, is_gazette, parse_gazette
from etl.sources.tabular import FileRejected

SHOWN = 10  # findings or rejects printed


def inspect(path: Path, lake_dir: Path, run_time: dt.datetime | None = None, out: Callable[[str], None] = print) -> int:
    """Prints the report; 0 when a run would load the file, 1 when it would reject or skip it."""
    run_time = run_time or dt.datetime.now()
    if not path.exists() and not path.is_symlink():
        out(f"{path}: no such file")
        return 1
    entry = next((e for e in inbox.scan(path.parent) if e.path.name == path.name), None)
    if entry is None or entry.status != "file":
        out(entry.message if entry else f"{inbox.printable(path.name)}: skipped")
        return 1
    name = inbox.printable(path.name)
    from etl.pipeline import TABULAR  # the run's own registry: inspect claims a file exactly as a run would

    try:
        if is_gazette(path):
            return _gazette(path, name, lake_dir, out)
        kind = next((t for t in TABULAR if t.claims(path)), None)
        if kind is not None:
            return _tabular(path, name, kind.dataset, kind.extract, lake_dir, run_time, out)
    except (FileRejected, GazetteFormatError) as e:
        out(f"rejected: {inbox.printable(str(e))}")
        return 1
    if path.suffix.lower() in (".csv", ".xlsx"):
        out(f"rejected: {inbox.printable(tabular.problem(path))}")
    else:
        out(f"{name}: no extractor for this kind of file; a run would skip it")
    return 1


def _gazette(path: Path, name: str, lake_dir: Path, out) -> int:
    from etl.pipeline import known_leaders

    res = parse_gazette(path, known_leaders(lake_dir, []))
    out(f"{name}: 公报 {res.issue}（{res.rows_in} 行）")
    for table, label in GAZETTE_SECTIONS.items():
        out(f"  {label:<24} {res.tables[table].height:>6} 行  ({table})")
    findings = res.problems
    counts = findings.group_by("severity").len().sort("severity")
    out("  数据质量发现：" + ("；".join(f"{s} {n} 条" for s, n in counts.iter_rows()) or "无"))
    _first(findings.select("severity", "location", "message"), out)
    return 0


def _tabular(path: Path, name: str, source: str, extract, lake_dir: Path, run_time: dt.datetime, out) -> int:
    from etl.pipeline import indicator_catalog

    headers = tabular.header(path) or []
    mapping, unmapped = tabular.canonical_columns(headers, source, path.name)
    out(f"{name}: 列的对应（{len(headers)} 列）：")
    for header in headers:
        if header in mapping:
            out(f"    {header} → {canon.standard(source).get(mapping[header], mapping[header])}")
        else:
            out(f"    {header} → 未识别，不载入（最接近：{'、'.join(canon.closest(header, source)) or '无'}）")
    # a throwaway salt: inspecting writes nothing, not even the lake's salt file
    res = extract(path, Context(run_time, "inspect", lambda: indicator_catalog([], lake_dir)))
    out(f"  读入 {res.rows_in} 行；{res.summary}")
    _first(res.problems.select("row", "column", "reason", "value"), out)
    return 0


def _first(df: pl.DataFrame, out) -> None:
    for row in df.head(SHOWN).iter_rows():
        out("    " + " · ".join("—" if v is None else inbox.printable(str(v))[:100] for v in row))
    if df.height > SHOWN:
        out(f"    …… 另有 {df.height - SHOWN} 条")
