"""Data-quality findings as shown to users: Chinese labels for severities, domains and columns."""

from __future__ import annotations

import polars as pl

SEVERITY_ZH = {"material": "实质差异", "rounding": "尾差", "unparsed": "无法解析", "warning": "警告"}
DOMAIN_ZH = {"plan": "规划", "hotline": "热线", "chronicle": "大事记", "personnel": "人事任免", "calendar": "工作日历"}
COLUMNS_ZH = {
    "severity": "级别",
    "domain": "领域",
    "location": "位置",
    "printed": "印刷值",
    "computed": "计算值",
    "difference": "差额",
    "message": "说明",
    "source": "来源文件",
}


def labelled(findings: pl.DataFrame) -> pl.DataFrame:
    """Severity and domain in Chinese, the same columns as the warehouse."""
    return findings.with_columns(pl.col("severity").replace(SEVERITY_ZH), pl.col("domain").replace(DOMAIN_ZH))


def display(findings: pl.DataFrame, columns: list[str] | None = None) -> pl.DataFrame:
    """The table users see and download: chosen columns (default all) under Chinese headers."""
    cols = columns or list(COLUMNS_ZH)
    return findings.select(pl.col(c).alias(COLUMNS_ZH[c]) for c in cols)
