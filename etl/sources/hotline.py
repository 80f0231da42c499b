"""Extractor for 12345 work-order (工单) exports: CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX.

Every check is a polars expression over the whole file; a bad row is rejected with file, row, column
and reason while the rest of the file loads; a file without a required column is rejected whole.
Caller name is dropped, caller phone becomes a salted hash (DuckDB sha256), numbers in 诉求内容 are masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from etl import pii, reference
from etl.config import CALENDAR_END, CALENDAR_START
from etl.sources import tabular
from etl.sources.tabular import FileRejected

# canonical name -> header as the hotline system exports it
HEADERS = {
    "ticket_id": "工单编号",
    "received_at": "受理时间",
    "channel": "受理渠道",
    "category": "诉求类型",
    "topic": "事项分类",
    "county": "所属区县",
    "department": "承办单位",
    "handling": "办理方式",
    "dispatched_at": "派单时间",
    "signed_at": "签收时间",
    "returned_at": "退单时间",
    "closed_at": "办结时间",
    "extensions": "延期次数",
    "satisfaction": "回访结果",
    "content": "诉求内容",
    "caller_name": "来电人",
    "caller_phone": "联系电话",
}
# 诉求类型 is required as well: without it no time limit can be computed.
REQUIRED = ("ticket_id", "received_at", "category")
TIME_COLUMNS = ("received_at", "dispatched_at", "signed_at", "returned_at", "closed_at")
HANDLING = ("当场答复", "派单")
SATISFACTION = ("满意", "基本满意", "不满意", "未回访")
CHANNELS = ("电话", "网站", "微信", "小程序", "APP", "短信", "其他")
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d",
    "%Y/%m/%d",
)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)

TICKET_SCHEMA = {
    "ticket_id": pl.Utf8,
    "received_at": pl.Datetime("us"),
    "channel": pl.Utf8,
    "category": pl.Utf8,
    "topic": pl.Utf8,
    "county": pl.Utf8,
    "county_key": pl.Utf8,
    "department": pl.Utf8,
    "handling": pl.Utf8,
    "answered_directly": pl.Boolean,
    "dispatched_at": pl.Datetime("us"),
    "signed_at": pl.Datetime("us"),
    "returned_at": pl.Datetime("us"),
    "closed_at": pl.Datetime("us"),
    "extensions": pl.Int32,
    "satisfaction": pl.Utf8,
    "content": pl.Utf8,
    "caller_hash": pl.Utf8,
    "source_file": pl.Utf8,
    "source_row": pl.Int64,
    "is_demo": pl.Boolean,
}
REJECT_SCHEMA = tabular.REJECT_SCHEMA


@dataclass
class HotlineResult:
    source: str
    tickets: pl.DataFrame
    rejects: pl.DataFrame
    rows_in: int
    encoding: str

    @property
    def rows_rejected(self) -> int:
        return self.rejects["row"].n_unique()


def _aliases() -> dict[str, str]:
    out = {}
    for canon, zh in HEADERS.items():
        out[zh] = canon
        out[canon] = canon
    return out


def sniff_header(path: Path) -> list[str] | None:
    """The header row if this looks like a work-order export, else None."""
    cols = tabular.header(path)
    aliases = _aliases()
    return cols if cols and any(aliases.get(c.lower() if c.isascii() else c) == "ticket_id" for c in cols) else None


def read_export(path: Path) -> tuple[pl.DataFrame, str]:
    """All columns as text, renamed to canonical names; Excel date cells become ISO text."""
    df, encoding = tabular.read_text_frame(path)
    aliases = _aliases()
    rename, found = {}, []
    for c in df.columns:
        found.append(c)
        canon = aliases.get(c.lower() if c.isascii() else c)
        if canon and canon not in rename.values():
            rename[c] = canon
    missing = [HEADERS[c] for c in REQUIRED if c not in rename.values()]
    if missing:
        raise FileRejected(f"{path.name}: missing required column(s) {', '.join(missing)}; columns found: {', '.join(found)}")
    df = df.select(list(rename)).rename(rename)
    return df.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in HEADERS if c not in df.columns), encoding


def parse_time(col: str) -> pl.Expr:
    s = pl.col(col).str.strip_chars()
    serial = s.cast(pl.Float64, strict=False)
    from_serial = pl.lit(EXCEL_EPOCH) + pl.duration(milliseconds=(serial * 86_400_000).round(0).cast(pl.Int64))
    return pl.coalesce(
        *(s.str.to_datetime(f, strict=False, time_unit="us") for f in TIME_FORMATS),
        pl.when(serial.is_between(1, 2958465)).then(from_serial).cast(pl.Datetime("us")),
    )


_blank = tabular.blank


def extract(path: Path, lake_dir: Path, is_demo: bool = False) -> HotlineResult:
    raw, encoding = read_export(path)
    rows_in = raw.height
    df = raw.with_row_index("source_row", offset=2).with_columns(pl.col("source_row").cast(pl.Int64))
    df = df.with_columns(pl.col(c).str.strip_chars() for c in HEADERS)
    df = df.with_columns(**{f"{c}__t": parse_time(c) for c in TIME_COLUMNS})

    rules = reference.load("hotline_rules")
    aliases = reference.county_aliases()
    lo, hi = dt.datetime.fromisoformat(CALENDAR_START), dt.datetime.fromisoformat(CALENDAR_END) + dt.timedelta(days=1)
    ext = pl.col("extensions").cast(pl.Float64, strict=False)
    checks: list[tuple[str, pl.Expr, str]] = [
        ("ticket_id", _blank("ticket_id"), "缺少工单编号"),
        ("received_at", _blank("received_at"), "缺少受理时间"),
        *((c, ~_blank(c) & pl.col(f"{c}__t").is_null(), "时间无法解析") for c in TIME_COLUMNS),
        (
            "received_at",
            pl.col("received_at__t").is_not_null() & ~pl.col("received_at__t").is_between(lo, hi, closed="left"),
            f"受理时间超出工作日历范围（{CALENDAR_START[:4]}–{CALENDAR_END[:4]} 年）",
        ),
        ("closed_at", pl.col("closed_at__t") < pl.col("received_at__t"), "办结时间早于受理时间"),
        *((c, pl.col(f"{c}__t") > pl.lit(dt.datetime.now() + dt.timedelta(days=1)), "时间晚于当前时间（未来日期）") for c in TIME_COLUMNS),
        ("extensions", ~_blank("extensions") & ~(ext.is_in([0.0, 1.0, 2.0]).fill_null(False)), "延期次数应为 0、1 或 2"),
        ("category", ~pl.col("category").is_in(rules["category"].to_list()).fill_null(False), "未知诉求类型"),
        ("county", ~_blank("county") & ~pl.col("county").is_in(aliases["alias"].to_list()), "未知区县"),
        ("handling", ~_blank("handling") & ~pl.col("handling").is_in(list(HANDLING)), "办理方式应为 当场答复 或 派单"),
        ("satisfaction", ~_blank("satisfaction") & ~pl.col("satisfaction").is_in(list(SATISFACTION)), "未知回访结果"),
        ("channel", ~_blank("channel") & ~pl.col("channel").is_in(list(CHANNELS)), "未知受理渠道"),
    ]
    content_cols = [c for c in HEADERS]
    df = df.with_columns(__content=pl.concat_str([pl.col(c).fill_null("\x00") for c in content_cols], separator="\x1f")).with_columns(
        __dup=(pl.col("__content").n_unique().over("ticket_id") > 1) & ~_blank("ticket_id")
    )
    checks.append(("ticket_id", pl.col("__dup"), "同一文件内同一工单编号出现多次且内容不同"))

    rejects = tabular.rejects_from_checks(df, path.name, [(col, HEADERS[col], cond, reason) for col, cond, reason in checks])
    good = df.filter(~pl.col("source_row").is_in(rejects["row"].implode())).unique("__content", keep="first", maintain_order=True)

    handling = (
        pl.when(~_blank("handling"))
        .then(pl.col("handling"))
        # only when the export has no 办理方式 column at all: no department and no dispatch means 当场答复
        .when(_blank("department") & pl.col("dispatched_at__t").is_null())
        .then(pl.lit("当场答复"))
        .otherwise(pl.lit("派单"))
    )
    tickets = good.with_columns(handling=handling).select(
        "ticket_id",
        pl.col("received_at__t").alias("received_at"),
        pl.when(_blank("channel")).then(None).otherwise(pl.col("channel")).alias("channel"),
        "category",
        pl.when(_blank("topic")).then(None).otherwise(pl.col("topic")).alias("topic"),
        pl.col("county").replace_strict(aliases["alias"], aliases["county_key"], default=None).alias("county_key"),
        pl.when(_blank("department")).then(None).otherwise(pl.col("department")).alias("department"),
        "handling",
        (pl.col("handling") == "当场答复").alias("answered_directly"),
        pl.col("dispatched_at__t").alias("dispatched_at"),
        pl.col("signed_at__t").alias("signed_at"),
        pl.col("returned_at__t").alias("returned_at"),
        pl.col("closed_at__t").alias("closed_at"),
        pl.col("extensions").cast(pl.Float64, strict=False).fill_null(0).cast(pl.Int32).alias("extensions"),
        pl.when(_blank("satisfaction")).then(None).otherwise(pl.col("satisfaction")).alias("satisfaction"),
        pii.mask_text(pl.col("content")).alias("content"),
        pl.col("caller_phone").str.replace_all(r"[^0-9]", "").alias("phone_digits"),
        pl.lit(path.name).alias("source_file"),
        "source_row",
        pl.lit(is_demo).alias("is_demo"),
    )
    counties = reference.counties().select("county_key", pl.col("county_name").alias("county"))
    tickets = tickets.join(counties, on="county_key", how="left")
    hashed = duckdb.sql(
        "SELECT * EXCLUDE (phone_digits), CASE WHEN coalesce(phone_digits, '') = '' THEN NULL ELSE sha256($salt || phone_digits) END AS caller_hash "
        "FROM tickets",
        params={"salt": pii.salt(lake_dir)},
    ).pl()
    tickets = hashed.select(pl.col(c).cast(t) for c, t in TICKET_SCHEMA.items())
    return HotlineResult(path.name, tickets, rejects, rows_in, encoding)
