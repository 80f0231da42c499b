"""Data-quality findings as shown to users: Chinese labels for severities and domains; column headers from
the column-label table (domain dq)."""

from __future__ import annotations

import polars as pl

from dashboard import metrics

SEVERITY_ZH = {"material": "实质差异", "rounding": "尾差", "unparsed": "无法解析", "warning": "警告"}
DOMAIN_ZH = {"plan": "规划", "hotline": "热线", "chronicle": "大事记", "personnel": "人事任免", "calendar": "工作日历"}
COLUMNS = ("severity", "domain", "location", "printed", "computed", "difference", "message", "source")


def labelled(findings: pl.DataFrame) -> pl.DataFrame:
    """Severity and domain in Chinese, the same columns as the warehouse."""
    return findings.with_columns(pl.col("severity").replace(SEVERITY_ZH), pl.col("domain").replace(DOMAIN_ZH))


def display(findings: pl.DataFrame, columns: list[str] | None = None) -> pl.DataFrame:
    """The table users see and download: chosen columns (default all) under Chinese headers."""
    return metrics.labelled(findings.select(columns or list(COLUMNS)), "dq")
