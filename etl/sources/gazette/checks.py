"""Data-quality checks on what the gazette prints: totals against their parts, yearly tables against
the five-year table, figures in the running text against the tables, stated counts against rows.

Nothing here changes a published figure; every disagreement becomes a dq_finding row.
Differences are taken after rounding to 0.01 万元: |d| <= 0.05 is 'rounding', larger is 'material'.
"""

from __future__ import annotations

import polars as pl

ROUNDING_LIMIT = 0.05
FINDING_SCHEMA = {
    "domain": pl.Utf8,
    "source": pl.Utf8,
    "location": pl.Utf8,
    "printed": pl.Float64,
    "computed": pl.Float64,
    "difference": pl.Float64,
    "severity": pl.Utf8,
    "check_name": pl.Utf8,
    "message": pl.Utf8,
}


def _findings(
    df: pl.DataFrame, source: str, domain: str, check: str, location: pl.Expr, message: pl.Expr, limit: float = ROUNDING_LIMIT
) -> pl.DataFrame:
    return (
        df.with_columns(difference=(pl.col("printed") - pl.col("computed")).round(2))
        .filter(pl.col("difference") != 0)
        .select(
            domain=pl.lit(domain),
            source=pl.lit(source),
            location=location,
            printed=pl.col("printed"),
            computed=pl.col("computed").round(2),
            difference=pl.col("difference"),
            severity=pl.when(pl.col("difference").abs() <= limit).then(pl.lit("rounding")).otherwise(pl.lit("material")),
            check_name=pl.lit(check),
            message=message,
        )
    )


def _table_label() -> pl.Expr:
    return pl.format("专栏{} {}", pl.col("column_no"), pl.coalesce(pl.col("year").cast(pl.Utf8), pl.lit("2021—2025")) + "年")


def investment_findings(inv: pl.DataFrame, source: str) -> pl.DataFrame:
    if inv.is_empty():
        return pl.DataFrame(schema=FINDING_SCHEMA)
    parts = inv.filter(pl.col("source") != "合计")
    row_check = (
        inv.filter(pl.col("source") == "合计")
        .join(parts.group_by("column_no", "category").agg(computed=pl.col("amount_wan").sum()), on=["column_no", "category"])
        .rename({"amount_wan": "printed"})
    )
    col_parts = inv.filter(pl.col("category") != "合计")
    col_check = (
        inv.filter(pl.col("category") == "合计")
        .join(col_parts.group_by("column_no", "source").agg(computed=pl.col("amount_wan").sum()), on=["column_no", "source"])
        .rename({"amount_wan": "printed"})
    )
    total = inv.filter(pl.col("year").is_null())
    yearly = inv.filter(pl.col("year").is_not_null())
    span = total.select(pl.col("period_start").min(), pl.col("period_end").max()).row(0) if not total.is_empty() else None
    frames = [
        _findings(
            row_check,
            source,
            "plan",
            "investment_row_total",
            pl.format("{} · {} · 合计列 (line {})", _table_label(), "category", "source_line"),
            pl.format("{}：印刷合计与三项资金来源之和不一致", "category"),
        ),
        _findings(
            col_check,
            source,
            "plan",
            "investment_column_total",
            pl.format("{} · 合计行 · {}", _table_label(), "source"),
            pl.format("{}：印刷合计行与各类别之和不一致", "source"),
        ),
    ]
    if span and yearly["year"].n_unique() == span[1] - span[0] + 1:
        by_year = yearly.group_by("category", "source").agg(computed=pl.col("amount_wan").sum())
        frames.append(
            _findings(
                total.join(by_year, on=["category", "source"]).rename({"amount_wan": "printed"}),
                source,
                "plan",
                "investment_years_vs_total",
                pl.format("{} · {} · {}", _table_label(), "category", "source"),
                pl.format("{} · {}：五年总表与分年度表之和不一致", "category", "source"),
            )
        )
    return pl.concat(frames)


def text_figure_findings(figures: list[dict], inv: pl.DataFrame, source: str) -> pl.DataFrame:
    """figures: one dict per table: column_no, line, year, total, a, b, c (万元) and ap, bp, cp (%)."""
    if not figures or inv.is_empty():
        return pl.DataFrame(schema=FINDING_SCHEMA)
    fig = pl.DataFrame(figures)
    names = {"total": "合计", "a": "财政衔接资金", "b": "其他财政资金", "c": "其他资金"}
    amounts = fig.unpivot(index=["column_no", "line"], on=list(names), variable_name="key", value_name="printed").with_columns(
        source=pl.col("key").replace_strict(names)
    )
    table = inv.filter(pl.col("category") == "合计").select("column_no", "source", pl.col("amount_wan").alias("computed"))
    amount_check = amounts.join(table, on=["column_no", "source"])
    shares = (
        fig.unpivot(index=["column_no", "line", "total"], on=["ap", "bp", "cp"], variable_name="key", value_name="printed")
        .with_columns(key=pl.col("key").str.slice(0, 1))
        .join(fig.unpivot(index="column_no", on=["a", "b", "c"], variable_name="key", value_name="amount"), on=["column_no", "key"])
        .with_columns(computed=(pl.col("amount") / pl.col("total") * 100).round(1), source=pl.col("key").replace_strict(names))
    )
    return pl.concat(
        [
            _findings(
                amount_check,
                source,
                "plan",
                "investment_text_vs_table",
                pl.format("专栏{}上方正文 (line {}) · {}", "column_no", "line", "source"),
                pl.format("正文所述{}与表中合计行不一致", "source"),
            ),
            # shares are printed to one decimal: a difference of one unit in the last place is rounding
            _findings(
                shares,
                source,
                "plan",
                "investment_text_share",
                pl.format("专栏{}上方正文 (line {}) · {}占比", "column_no", "line", "source"),
                pl.format("正文所述{}占总投资比例(%)与金额之比不一致", "source"),
                limit=0.1,
            ),
        ]
    )


def count_finding(source: str, domain: str, location: str, printed: float, computed: float, message: str, check: str) -> dict:
    return {
        "domain": domain,
        "source": source,
        "location": location,
        "printed": float(printed),
        "computed": float(computed),
        "difference": float(printed - computed),
        "severity": "material",
        "check_name": check,
        "message": message,
    }


def warning_finding(source: str, domain: str, line_no: int, text: str, check: str, reason: str) -> dict:
    return _line_finding(source, domain, line_no, text, "warning", check, reason)


def unread_finding(source: str, domain: str, line_no: int, text: str, reason: str) -> dict:
    return _line_finding(source, domain, line_no, text, "unparsed", "unparsed_line", reason)


def _line_finding(source: str, domain: str, line_no: int, text: str, severity: str, check: str, reason: str) -> dict:
    """A finding about one line of the issue: where it is, and its text."""
    return {
        "domain": domain,
        "source": source,
        "location": f"line {line_no}",
        "printed": None,
        "computed": None,
        "difference": None,
        "severity": severity,
        "check_name": check,
        "message": f"{reason}：{text[:120]}",
    }


def yearly_target_findings(projects: pl.DataFrame, source: str) -> pl.DataFrame:
    """专栏10: the yearly numeric targets of an item against its printed 建设规模."""
    yearly = projects.filter(pl.col("year").is_not_null())
    if yearly.is_empty():
        return pl.DataFrame(schema=FINDING_SCHEMA)
    scale = projects.filter(pl.col("year").is_null() & pl.col("column_no").is_in(yearly["column_no"].unique().implode()))
    df = (
        scale.drop("printed")
        .join(yearly.group_by("column_no", "item").agg(computed=pl.col("count").sum()), on=["column_no", "item"])
        .rename({"count": "printed"})
    )
    return _findings(
        df,
        source,
        "plan",
        "project_yearly_vs_scale",
        pl.format("专栏{} · {}", "column_no", "item"),
        pl.format("{}：各年度计划之和与建设规模不一致", "item"),
        limit=0,
    )
