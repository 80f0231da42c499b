"""Extractor for pipeline-gas concession score sheets (管道燃气特许经营考核), CSV or XLSX, in two shapes:

- wide: 企业名称, 区县, 考核期间, 考核类型, one column per item (header starting with its code, e.g.
  '1.1' or '1.1 建设项目管理（6分）' as in the template), 一票否决 ('4、10'), 备注 — one row per sheet;
- long: 企业名称, 区县, 考核期间, 考核类型, 指标编号, 得分, 扣分说明 — one row per item; a row with
  指标编号 '一票否决' carries the triggered veto numbers in 得分.

A bad cell rejects its row (in the wide shape: the whole sheet) with file, row, column and reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from etl.sources import canon, extraction, period, tabular
from etl.sources.extraction import Extraction
from etl.sources.tabular import blank
from warehouse import reference

SOURCE = "concession"
HEADERS = canon.standard(SOURCE)  # canonical column -> the template's header
REQUIRED = ("enterprise", "period", "assessment_type")
SHAPES = {"wide": "宽表", "long": "长表"}
WIDE_ONLY = ("veto", "note")
LONG_ONLY = ("item_code", "score", "remark")
ASSESSMENT_TYPES = ("自评", "年度考评", "第三方评估", "复核")
VETO_LABELS = ("一票否决", "veto")
ITEM_HEADER = re.compile(r"^(\d\.\d{1,2})(?!\d)")
SPLIT = r"[、,，;；\s]+"

SHEET_SCHEMA = {
    "enterprise": pl.Utf8,
    "counties": pl.List(pl.Utf8),
    "period": pl.Utf8,
    "year": pl.Int32,
    "quarter": pl.Int32,
    "period_end": pl.Date,
    "assessment_type": pl.Utf8,
    "veto_nos": pl.List(pl.Int32),
    "note": pl.Utf8,
    "source_file": pl.Utf8,
    "source_row": pl.Int64,
    "is_demo": pl.Boolean,
}
SCORE_SCHEMA = {
    "enterprise": pl.Utf8,
    "period": pl.Utf8,
    "assessment_type": pl.Utf8,
    "item_code": pl.Utf8,
    "score": pl.Float64,
    "remark": pl.Utf8,
    "source_file": pl.Utf8,
    "source_row": pl.Int64,
}


def sniff(path: Path) -> str | None:
    """'wide' or 'long' for a concession score sheet, else None."""
    cols = tabular.header(path)
    if not cols:
        return None
    known = {canon.lookup(c, SOURCE) for c in cols}
    if not {"enterprise", "period"} <= known:
        return None
    return "long" if "item_code" in known else "wide"


def _county_checks(col: str) -> pl.Expr:
    return ~blank(col) & _counties(col).list.eval(canon.county_known(pl.element())).list.all().not_()


def _counties(col: str) -> pl.Expr:
    """'麒麟区、沾益区' -> the listed names, trimmed."""
    return (
        pl.col(col)
        .fill_null("")
        .str.split("、")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
    )


def _common_checks(label: dict[str, str]) -> list[tuple[str, str, pl.Expr, str]]:
    return [
        ("enterprise", label["enterprise"], blank("enterprise"), "缺少企业名称"),
        (
            "period",
            label["period"],
            ~period.valid("period", months=False).fill_null(False),
            "考核期间应为年份（如 2024）或季度（如 2024Q1）",
        ),
        (
            "assessment_type",
            label["assessment_type"],
            ~pl.col("assessment_type").str.strip_chars().is_in(list(ASSESSMENT_TYPES)).fill_null(False),
            "考核类型应为 自评、年度考评、第三方评估 或 复核",
        ),
        ("county", label["county"], _county_checks("county"), "未知区县"),
    ]


def _veto_numbers(col: str) -> pl.Expr:
    return pl.col(col).fill_null("").str.replace_all(SPLIT, ",").str.split(",").list.eval(pl.element().filter(pl.element() != ""))


def _veto_check(col: str) -> pl.Expr:
    """True where a listed number is not one of the veto rules (reference/concession_veto_rule.csv)."""
    known = reference.load("concession_veto_rule")["veto_no"].cast(pl.Int32).to_list()
    n = _veto_numbers(col).list.eval(pl.element().cast(pl.Int32, strict=False))
    return n.list.eval(pl.element().is_in(known).fill_null(False)).list.all().not_()


def _sheet_frame(df: pl.DataFrame, veto_col: str | None, note_col: str | None, file_name: str, is_demo: bool) -> pl.DataFrame:
    return df.select(
        pl.col("enterprise").str.strip_chars(),
        _counties("county").list.eval(canon.county_name(pl.element())).alias("counties"),
        pl.col("period").str.strip_chars(),
        period.year("period").alias("year"),
        period.quarter("period").alias("quarter"),
        period.end("period").alias("period_end"),
        pl.col("assessment_type").str.strip_chars(),
        (_veto_numbers(veto_col).list.eval(pl.element().cast(pl.Int32)) if veto_col else pl.lit([], pl.List(pl.Int32))).alias("veto_nos"),
        (pl.col(note_col) if note_col else pl.lit(None, pl.Utf8)).alias("note"),
        pl.lit(file_name).alias("source_file"),
        "source_row",
        pl.lit(is_demo).alias("is_demo"),
    ).cast(SHEET_SCHEMA)


def extract(path: Path, is_demo: bool = False) -> Extraction:
    shape = sniff(path)
    df, encoding = tabular.read_text_frame(path)
    rows_in = df.height
    rubric = reference.load("concession_rubric").with_columns(pl.col("max_points").cast(pl.Float64))
    maxima = dict(rubric.select("item_code", "max_points").iter_rows())
    df = df.with_row_index("source_row", offset=2).with_columns(pl.col("source_row").cast(pl.Int64))
    rename, _ = tabular.canonical_columns([c for c in df.columns if c != "source_row"], SOURCE, path.name)
    # the wide shape's item columns are named by their code, the long shape's by 指标编号: each shape keeps its own
    rename = {h: c for h, c in rename.items() if c not in (WIDE_ONLY if shape == "long" else LONG_ONLY)}
    tabular.require(rename, REQUIRED, SOURCE, path.name, [c for c in df.columns if c != "source_row"])
    label = {**HEADERS, **{c: header for header, c in rename.items()}}
    damaged = tabular.damaged_checks([(rename.get(c, c), c) for c in df.columns if c != "source_row"], encoding)
    extract_shape = _long if shape == "long" else _wide
    sheets, scores, rejects = extract_shape(df.rename(rename), label, maxima, path.name, is_demo, damaged)
    return extraction.export(
        path.name,
        "concession",
        {"sheets": sheets, "scores": scores, "rejects": rejects},
        "sheets",
        rows_in,
        f"燃气特许经营评分表（{SHAPES[shape]}）",
        unit="张评分表",
    )


def _wide(df: pl.DataFrame, label, maxima, file_name, is_demo, damaged=()):
    if "county" not in df.columns:
        df = df.with_columns(county=pl.lit(None, pl.Utf8))
    item_cols = {c: ITEM_HEADER.match(c).group(1) for c in df.columns if ITEM_HEADER.match(c)}
    checks = _common_checks(label) + list(damaged)
    for col, code in item_cols.items():
        if code not in maxima:
            checks.append((col, col, ~blank(col), f"未知指标编号 {code}"))
            continue
        num = pl.col(col).str.strip_chars().cast(pl.Float64, strict=False)
        checks.append((col, col, ~blank(col) & num.is_null(), "得分不是数字"))
        checks.append((col, col, num.is_not_null() & ((num < 0) | (num > maxima[code])), f"得分应在 0 到 {maxima[code]:g} 之间"))
    if "veto" in df.columns:
        checks.append(("veto", label["veto"], ~blank("veto") & _veto_check("veto"), "未知一票否决项编号（应为 1–12）"))
    rejects = tabular.rejects_from_checks(df, file_name, checks)
    good = df.filter(~pl.col("source_row").is_in(rejects["row"].implode()))
    sheets = _sheet_frame(good, "veto" if "veto" in df.columns else None, "note" if "note" in df.columns else None, file_name, is_demo)
    known = {c: code for c, code in item_cols.items() if code in maxima}
    if known:
        scores = (
            good.select("enterprise", "period", "assessment_type", "source_row", *known)
            .unpivot(
                index=["enterprise", "period", "assessment_type", "source_row"], on=list(known), variable_name="column", value_name="raw"
            )
            .filter(~blank("raw"))
            .select(
                pl.col("enterprise").str.strip_chars(),
                pl.col("period").str.strip_chars(),
                pl.col("assessment_type").str.strip_chars(),
                pl.col("column").replace_strict(known).alias("item_code"),
                pl.col("raw").str.strip_chars().cast(pl.Float64).alias("score"),
                pl.lit(None, pl.Utf8).alias("remark"),
                pl.lit(file_name).alias("source_file"),
                "source_row",
            )
        )
    else:
        scores = pl.DataFrame(schema=SCORE_SCHEMA)
    return sheets, scores.cast(SCORE_SCHEMA), rejects


def _long(df: pl.DataFrame, label, maxima, file_name, is_demo, damaged=()):
    for c in ("county", "remark", "score"):
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.Utf8).alias(c))
    code = pl.col("item_code").str.strip_chars()
    is_veto = code.is_in(list(VETO_LABELS))
    maximum = code.replace_strict(maxima, default=None, return_dtype=pl.Float64)
    num = pl.col("score").str.strip_chars().cast(pl.Float64, strict=False)
    checks = (
        _common_checks(label)
        + list(damaged)
        + [
            ("item_code", label["item_code"], ~is_veto & maximum.is_null(), "未知指标编号"),
            ("score", label["score"], ~is_veto & maximum.is_not_null() & num.is_null(), "得分不是数字"),
            (
                "score",
                label["score"],
                ~is_veto & num.is_not_null() & ((num < 0) | (num > maximum)),
                "得分超出该项分值范围（0 到该项满分）",
            ),
            ("score", label["score"], is_veto & ~blank("score") & _veto_check("score"), "未知一票否决项编号（应为 1–12）"),
        ]
    )
    rejects = tabular.rejects_from_checks(df, file_name, checks)
    good = df.filter(~pl.col("source_row").is_in(rejects["row"].implode()))
    keys = ["enterprise", "period", "assessment_type"]
    good = good.with_columns(pl.col(k).str.strip_chars() for k in keys)
    vetoes = good.filter(is_veto).group_by(keys).agg(pl.col("score").fill_null("").str.join("、").alias("veto"))
    first = good.group_by(keys, maintain_order=True).agg(
        pl.col("county").drop_nulls().first(), pl.col("source_row").min(), pl.col("remark").drop_nulls().first().alias("note")
    )
    sheets = _sheet_frame(first.join(vetoes, on=keys, how="left"), "veto", "note", file_name, is_demo)
    scores = good.filter(~is_veto).select(
        *keys,
        code.alias("item_code"),
        pl.col("score").str.strip_chars().cast(pl.Float64),
        "remark",
        pl.lit(file_name).alias("source_file"),
        "source_row",
    )
    return sheets, scores.cast(SCORE_SCHEMA), rejects
