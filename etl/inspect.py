"""`python -m etl inspect FILE`: what a run would make of one file, without loading anything.

The check an operator runs before dropping a file in the inbox: what the file is recognised as, each section (a
gazette) or column (an export) and what it yields, and the first findings or rejects. Nothing is written: the lake,
the warehouse and the inbox are left as they are (an export is read in a temporary folder).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from etl import inbox
from etl.sources import concession, hotline, indicator, tabular
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
    try:
        if is_gazette(path):
            return _gazette(path, name, lake_dir, out)
        if hotline.sniff_header(path) is not None:
            return _hotline(path, name, run_time, out)
        if indicator.sniff(path):
            return _indicator(path, name, lake_dir, out)
        if concession.sniff(path) is not None:
            return _concession(path, name, out)
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
    out(f"{name}: 公报 {res.issue}（{res.lines_read} 行）")
    for table, label in GAZETTE_SECTIONS.items():
        out(f"  {label:<24} {res.tables[table].height:>6} 行  ({table})")
    findings = res.findings
    counts = findings.group_by("severity").len().sort("severity")
    out("  数据质量发现：" + ("；".join(f"{s} {n} 条" for s, n in counts.iter_rows()) or "无"))
    _first(findings.select("severity", "location", "message"), out)
    return 0


def _hotline(path: Path, name: str, run_time: dt.datetime, out) -> int:
    df, encoding = tabular.read_text_frame(path)
    mapping, unmapped = hotline.column_mapping(df.columns)
    out(f"{name}: 12345 工单导出（{encoding}），{df.height} 行数据")
    out("  列的对应：")
    for header in df.columns:
        if header in mapping:
            out(f"    {header} → {hotline.HEADERS[mapping[header]]}")
        else:
            out(f"    {header} → 未识别，不载入（最接近：{'、'.join(hotline.closest(header)) or '无'}）")
    missing = [hotline.HEADERS[c] for c in hotline.REQUIRED if c not in mapping.values()]
    if missing:
        out(f"  缺少必需的列：{'、'.join(missing)}；整个文件会被拒收（可在 warehouse/reference/hotline_header_alias.csv 中补充表头别名）")
        return 1
    with tempfile.TemporaryDirectory() as scratch:  # the caller-key salt of a scratch lake: nothing is kept
        r = hotline.extract(path, Path(scratch), run_time)
    out(f"  可载入 {r.tickets.height} 行，拒收 {r.rows_rejected} 行")
    _first(r.rejects.select("row", "column", "reason", "value"), out)
    return 0


def _indicator(path: Path, name: str, lake_dir: Path, out) -> int:
    from etl.pipeline import indicator_catalog

    r = indicator.extract(path, indicator_catalog([], lake_dir))
    out(f"{name}: 规划指标监测值，读入 {r.rows_in} 行，可载入 {r.actuals.height} 行，拒收 {r.rows_rejected} 行")
    _first(r.rejects.select("row", "column", "reason", "value"), out)
    return 0


def _concession(path: Path, name: str, out) -> int:
    r = concession.extract(path)
    out(f"{name}: 燃气特许经营评分表（{'宽表' if r.shape == 'wide' else '长表'}），{r.sheets.height} 张评分表，拒收 {r.rows_rejected} 行")
    _first(r.rejects.select("row", "column", "reason", "value"), out)
    return 0


def _first(df: pl.DataFrame, out) -> None:
    for row in df.head(SHOWN).iter_rows():
        out("    " + " · ".join("—" if v is None else inbox.printable(str(v))[:100] for v in row))
    if df.height > SHOWN:
        out(f"    …… 另有 {df.height - SHOWN} 条")
