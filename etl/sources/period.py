"""Reporting periods as the templates write them: a year (2024), a quarter (2024Q1) or a month (2024-06).
One parser for every source: the concession sheets take years and quarters, the indicator actuals all three."""

from __future__ import annotations

import polars as pl

PATTERN = r"^(\d{4})(?:Q([1-4])|-(0[1-9]|1[0-2]))?$"
YEAR_OR_QUARTER = r"^\d{4}(?:Q[1-4])?$"


def _text(col: str) -> pl.Expr:
    return pl.col(col).str.strip_chars()


def valid(col: str, months: bool = True) -> pl.Expr:
    """True where the cell is a period this source accepts (null for a null cell)."""
    return _text(col).str.contains(PATTERN if months else YEAR_OR_QUARTER)


def year(col: str) -> pl.Expr:
    return _text(col).str.extract(PATTERN, 1).cast(pl.Int32)


def quarter(col: str) -> pl.Expr:
    return _text(col).str.extract(PATTERN, 2).cast(pl.Int32)


def month(col: str) -> pl.Expr:
    return _text(col).str.extract(PATTERN, 3).cast(pl.Int32)


def end(col: str) -> pl.Expr:
    """The last day of the period."""
    return pl.date(year(col), pl.coalesce(quarter(col) * 3, month(col), pl.lit(12)), 1).dt.month_end()


def kind(col: str) -> pl.Expr:
    """年度, 季度 or 月度."""
    return (
        pl.when(quarter(col).is_not_null())
        .then(pl.lit("季度"))
        .when(month(col).is_not_null())
        .then(pl.lit("月度"))
        .otherwise(pl.lit("年度"))
    )
