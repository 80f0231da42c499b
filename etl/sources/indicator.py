"""Extractor for plan-indicator monitoring actuals (规划指标监测), CSV or XLSX:
指标序号 (1–20) or 指标名称, 区县 (a county or 全市), 期间 (2023, 2023Q2, 2023-06), 数值, 备注.

Indicators are checked against the plan's 专栏1 as loaded from the gazette. Qualitative indicators
(应兜尽兜, 应保尽保) take 是/否; others a number ('51%' and '51' both read as 51).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.sources import canon, extraction, period, tabular
from etl.sources.extraction import Extraction
from etl.sources.tabular import FileRejected, blank

SOURCE = "indicator"
NAMES = canon.standard(SOURCE)  # canonical column -> the template's header
YES_NO = {"是": True, "否": False}
ACTUAL_SCHEMA = {
    "seq": pl.Int32,
    "county": pl.Utf8,
    "county_key": pl.Utf8,
    "period": pl.Utf8,
    "period_type": pl.Utf8,
    "period_end": pl.Date,
    "value": pl.Float64,
    "value_text": pl.Utf8,
    "note": pl.Utf8,
    "source_file": pl.Utf8,
    "source_row": pl.Int64,
    "is_demo": pl.Boolean,
}


def sniff(path: Path) -> bool:
    known = {canon.lookup(c, SOURCE) for c in tabular.header(path) or []}
    return {"period", "value"} <= known and bool({"seq", "indicator"} & known)


def qualitative(catalog: pl.DataFrame) -> pl.Expr:
    """Indicators whose baseline and target are words (应兜尽兜), not numbers."""
    return pl.col("target_value").is_null() & pl.col("baseline_value").is_null() & ~pl.col("target_text").is_in(["—", "-", ""])


def extract(path: Path, catalog: pl.DataFrame, is_demo: bool = False) -> Extraction:
    """catalog: the indicators of every plan loaded (doc_no, seq, name, unit, baseline_value, target_value, target_text,
    baseline_year, target_year). A row belongs to the plan whose years hold its period (2021–2025, 2026–2030 …)."""
    if catalog.is_empty():
        raise FileRejected(f"{path.name}: no plan indicators are loaded yet (load the gazette issue with 专栏1 first)")
    df, encoding = tabular.read_text_frame(path)
    rows_in = df.height
    rename, _ = tabular.canonical_columns(df.columns, SOURCE, path.name)
    label = {canon: header for header, canon in rename.items()}
    df = df.select(list(rename)).rename(rename).with_row_index("source_row", offset=2).with_columns(pl.col("source_row").cast(pl.Int64))
    for c in NAMES:
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.Utf8).alias(c))
    df = df.with_columns(pl.col(c).str.strip_chars() for c in NAMES)

    cat = catalog.select(
        pl.col("seq").cast(pl.Int32), "name", "unit", qualitative(catalog).alias("qualitative"), "baseline_year", "target_year"
    )
    by_name = dict(cat.sort("target_year").select("name", "seq").iter_rows())  # a name of the latest plan wins
    # a name is accepted in either column: clerks often type the indicator's name under 指标序号
    seq = pl.coalesce(
        pl.col("seq").cast(pl.Int32, strict=False),
        pl.coalesce("indicator", "seq").replace_strict(by_name, default=None, return_dtype=pl.Int32),
    )
    period_year = period.year("period")
    # each row against every plan that has its indicator, then the plan whose years hold the period (if any)
    df = (
        df.with_columns(seq_resolved=seq, period_year=period_year)
        .join(cat.rename({"seq": "seq_resolved"}), on="seq_resolved", how="left")
        .with_columns(in_plan=(pl.col("period_year") > pl.col("baseline_year")) & (pl.col("period_year") <= pl.col("target_year")))
        .sort(["source_row", "in_plan"], descending=[False, True], nulls_last=True)
        .unique("source_row", keep="first", maintain_order=True)
    )
    num = pl.col("value").str.replace_all(r"[%,，\s]", "").cast(pl.Float64, strict=False)
    indicator_col = "seq" if "seq" in label else "indicator"
    checks = [
        (
            indicator_col,
            label.get(indicator_col, NAMES[indicator_col]),
            pl.col("name").is_null(),
            "未知指标（指标序号应为 1–20，或与专栏1指标名称一致）",
        ),
        (
            "county",
            label.get("county", "区县"),
            blank("county") | ~canon.county_known(pl.col("county")),
            "未知区县（可填县区名或 全市）",
        ),
        (
            "period",
            label.get("period", "期间"),
            ~period.valid("period").fill_null(False),
            "期间无法解析（应为 2023、2023Q2 或 2023-06）",
        ),
        (
            "value",
            label.get("value", "数值"),
            pl.col("qualitative").fill_null(False) & ~pl.col("value").is_in(list(YES_NO)).fill_null(False),
            "定性指标应填 是 或 否",
        ),
        ("value", label.get("value", "数值"), ~pl.col("qualitative").fill_null(True) & num.is_null(), "数值不是数字"),
        (
            "period",
            label.get("period", "期间"),
            pl.col("name").is_not_null() & pl.col("period_year").is_not_null() & ~pl.col("in_plan").fill_null(False),
            "期间不在任何已载入规划的年限内（先载入该期规划的公报）",
        ),
        ("value", label.get("value", "数值"), (pl.col("unit") == "%") & ~num.is_between(0, 100).fill_null(True), "百分比应在 0–100 之间"),
    ]
    checks += tabular.damaged_checks([(c, label.get(c, c)) for c in NAMES], encoding)
    rejects = tabular.rejects_from_checks(df, path.name, checks)
    good = df.filter(~pl.col("source_row").is_in(rejects["row"].implode()))
    actuals = good.select(
        pl.col("seq_resolved").alias("seq"),
        canon.county_key(pl.col("county")).alias("county_key"),
        canon.county_name(pl.col("county")).alias("county"),
        "period",
        period.kind("period").alias("period_type"),
        period.end("period").alias("period_end"),
        pl.when(pl.col("qualitative"))
        .then(pl.col("value").replace_strict(YES_NO, default=None).cast(pl.Float64))
        .otherwise(num)
        .alias("value"),
        pl.col("value").alias("value_text"),
        "note",
        pl.lit(path.name).alias("source_file"),
        "source_row",
        pl.lit(is_demo).alias("is_demo"),
    )
    actuals = actuals.select(pl.col(c).cast(t) for c, t in ACTUAL_SCHEMA.items())
    return extraction.export(path.name, "indicator", {"actuals": actuals, "rejects": rejects}, "actuals", rows_in, "规划指标监测值")
