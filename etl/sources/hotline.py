"""Extractor for 12345 work-order (工单) exports: CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX.

Every check is a polars expression over the whole file; a bad row is rejected with file, row, column
and reason while the rest of the file loads; a file without a required column is rejected whole.
Caller name is dropped, caller phone becomes a salted hash (the first 64 bits of a DuckDB sha256), numbers in 诉求内容 are masked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from etl import pii
from etl.config import CALENDAR_START
from etl.sources import canon, extraction, tabular
from etl.sources.extraction import Extraction
from warehouse import reference

SOURCE = "hotline"
# canonical name -> header as the hotline system exports it (the standard rows of header_alias.csv)
HEADERS = canon.standard(SOURCE)
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
# ISO 8601 with an offset or Z (an export in UTC): converted to the local time the rules count in
OFFSET_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z")
LOCAL_TZ = "Asia/Shanghai"
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
    "caller_hash": pl.UInt64,
    "source_file": pl.Utf8,
    "source_row": pl.Int64,
    "is_demo": pl.Boolean,
}
REJECT_SCHEMA = tabular.REJECT_SCHEMA


def describe_unmapped(headers: list[str]) -> str:
    return canon.describe_unmapped(headers, SOURCE)


def sniff_header(path: Path) -> list[str] | None:
    """The header row if this looks like a work-order export, else None."""
    cols = tabular.header(path)
    return cols if cols and any(canon.lookup(c, SOURCE) == "ticket_id" for c in cols) else None


def read_export(path: Path) -> tuple[pl.DataFrame, str, list[str]]:
    """All columns as text, renamed to canonical names, values spelled as the rules spell them
    (warehouse/reference/value_alias.csv); Excel date cells become ISO text. Also returns the headers
    that map to nothing (reported in the run log)."""
    df, encoding = tabular.read_text_frame(path)
    rename, unmapped = tabular.canonical_columns(df.columns, SOURCE, path.name)
    tabular.require(rename, REQUIRED, SOURCE, path.name, df.columns, unmapped)
    df = canon.values(df.select(list(rename)).rename(rename), SOURCE)
    return df.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in HEADERS if c not in df.columns), encoding, unmapped


def parse_any_time(col: str) -> pl.Expr:
    """Every accepted way of writing a time, the first that parses wins (slow: for the few odd cells)."""
    s = pl.col(col).str.strip_chars()
    serial = s.cast(pl.Float64, strict=False)
    from_serial = pl.lit(EXCEL_EPOCH) + pl.duration(milliseconds=(serial * 86_400_000).round(0).cast(pl.Int64))
    zoned = s.str.replace(r"[Zz]$", "+00:00")
    with_offset = pl.coalesce(*(zoned.str.to_datetime(f, strict=False, time_unit="us") for f in OFFSET_FORMATS))
    return pl.coalesce(
        *(s.str.to_datetime(f, strict=False, time_unit="us") for f in TIME_FORMATS),
        with_offset.dt.convert_time_zone(LOCAL_TZ).dt.replace_time_zone(None),
        pl.when(serial.is_between(1, 2958465)).then(from_serial).cast(pl.Datetime("us")),
    )


def parse_times(df: pl.DataFrame, col: str) -> pl.Series:
    """A trimmed text column (blank cells null) as datetimes. An export writes its times one way, so the
    format that parses most of a sample is applied to the whole column, and only the cells it misses go
    through every format: a failed parse costs more than a good one, and trying eight formats on every
    cell was most of the ingest time."""
    sample = df[col].drop_nulls().head(2000)
    if sample.is_empty():
        return pl.Series(col, [None] * df.height, pl.Datetime("us"))
    best = max(TIME_FORMATS, key=lambda f: sample.str.to_datetime(f, strict=False, time_unit="us").is_not_null().sum())
    df = df.with_columns(pl.col(col).str.to_datetime(best, strict=False, time_unit="us").alias("__t"))
    return patch_rows(df, pl.col("__t").is_null() & pl.col(col).is_not_null(), "__t", parse_any_time(col)).alias(col)


def patch_rows(df: pl.DataFrame, mask: pl.Expr, col: str, expr: pl.Expr) -> pl.Series:
    """Column col, with expr computed and put in place only on the rows where mask holds: for an expensive
    expression that few rows need."""
    rows = df.select(mask.fill_null(False)).to_series().arg_true()
    out = df[col]
    return out.scatter(rows, df[rows].select(expr).to_series()) if rows.len() else out


def _missing(col: str) -> pl.Expr:
    """A cell with no value (extract() trims every cell and turns blank ones into nulls first)."""
    return pl.col(col).is_null()


def extract(path: Path, salt: str, run_time: dt.datetime, is_demo: bool = False) -> Extraction:
    """salt: of the caller key (etl.pii.salt); run_time: the run's time (--as-of, else the clock when the run
    started): later times are rejected."""
    raw, encoding, unmapped = read_export(path)
    damaged = tabular.damaged_checks([(c, HEADERS[c]) for c in HEADERS], encoding)
    rows_in = raw.height
    df = raw.with_row_index("source_row", offset=2).with_columns(pl.col("source_row").cast(pl.Int64))
    # trimmed once here, and a blank cell is a missing one (polars reads an empty field as null already),
    # so later checks need no trimming
    df = df.with_columns(pl.col(c).str.strip_chars() for c in HEADERS)
    has_blank = df.select((pl.col(c) == "").any() for c in HEADERS).row(0)
    df = df.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c, b in zip(HEADERS, has_blank, strict=True) if b)
    df = df.with_columns(parse_times(df, c).alias(f"{c}__t") for c in TIME_COLUMNS)

    rules = reference.load("hotline_rules")
    max_ext = int(rules["max_extensions"].cast(pl.Int64).max())
    lo = dt.datetime.fromisoformat(CALENDAR_START)
    ext = pl.col("extensions").cast(pl.Float64, strict=False)
    answered_directly = (pl.col("handling") == "当场答复").fill_null(False) | (
        _missing("handling") & _missing("department") & pl.col("dispatched_at__t").is_null()
    )
    checks: list[tuple[str, pl.Expr, str]] = [
        ("ticket_id", _missing("ticket_id"), "缺少工单编号"),
        ("ticket_id", pl.col("ticket_id").str.contains("[\x00-\x1f]"), "工单编号含有控制字符（如 NUL）"),
        (
            "satisfaction",
            ~_missing("satisfaction") & (pl.col("satisfaction") != "未回访") & pl.col("closed_at__t").is_null() & ~answered_directly,
            "工单未办结，不应有回访结果",
        ),
        ("received_at", _missing("received_at"), "缺少受理时间"),
        *((c, ~_missing(c) & pl.col(f"{c}__t").is_null(), "时间无法解析") for c in TIME_COLUMNS),
        ("received_at", pl.col("received_at__t") < lo, f"受理时间早于工作日历的起点（{CALENDAR_START}）"),
        ("closed_at", pl.col("closed_at__t") < pl.col("received_at__t"), "办结时间早于受理时间"),
        # a day's grace for clocks and time zones; the run's time, never the wall clock of whoever tests it
        *((c, pl.col(f"{c}__t") > pl.lit(run_time + dt.timedelta(days=1)), "时间晚于本次运行时刻（未来日期）") for c in TIME_COLUMNS),
        (
            "extensions",
            ~_missing("extensions") & ~(ext.is_in([float(n) for n in range(max_ext + 1)]).fill_null(False)),
            f"延期次数应为 {'、'.join(str(n) for n in range(max_ext))} 或 {max_ext}",
        ),
        ("category", ~pl.col("category").is_in(rules["category"].to_list()).fill_null(False), "未知诉求类型"),
        ("county", ~_missing("county") & ~canon.county_known(pl.col("county")), "未知区县"),
        ("handling", ~_missing("handling") & ~pl.col("handling").is_in(list(HANDLING)), "办理方式应为 当场答复 或 派单"),
        ("satisfaction", ~_missing("satisfaction") & ~pl.col("satisfaction").is_in(list(SATISFACTION)), "未知回访结果"),
        ("channel", ~_missing("channel") & ~pl.col("channel").is_in(list(CHANNELS)), "未知受理渠道"),
    ]
    # the same ticket twice in one file: identical rows collapse to one, rows that differ are rejected;
    # the row content is only compared for the (few) ticket numbers that repeat
    repeated = df.select(pl.col("ticket_id").is_duplicated() & ~_missing("ticket_id")).to_series()
    content = pl.concat_str([pl.col(c).fill_null("\x00") for c in HEADERS], separator="\x1f")
    df = df.with_columns(__dup=pl.lit(False))
    if repeated.any():
        df = df.with_columns(__dup=patch_rows(df, pl.lit(repeated), "__dup", content.n_unique().over("ticket_id") > 1))
    checks.append(("ticket_id", pl.col("__dup"), "同一文件内同一工单编号出现多次且内容不同"))

    rejects = tabular.rejects_from_checks(df, path.name, damaged + [(col, HEADERS[col], cond, reason) for col, cond, reason in checks])
    good = df.filter(~pl.col("source_row").is_in(rejects["row"].implode())) if rejects.height else df
    if repeated.any():
        good = good.unique("ticket_id", keep="first", maintain_order=True)

    if good["handling"].null_count():
        # only when the export has no 办理方式: no department and no dispatch means 当场答复
        implied = pl.when(_missing("department") & pl.col("dispatched_at__t").is_null()).then(pl.lit("当场答复")).otherwise(pl.lit("派单"))
        good = good.with_columns(handling=pl.col("handling").fill_null(implied))
    tickets = good.select(
        "ticket_id",
        pl.col("received_at__t").alias("received_at"),
        "channel",
        "category",
        "topic",
        canon.county_key(pl.col("county")).alias("county_key"),
        canon.county_name(pl.col("county")).alias("county"),
        "department",
        "handling",
        (pl.col("handling") == "当场答复").alias("answered_directly"),
        pl.col("dispatched_at__t").alias("dispatched_at"),
        pl.col("signed_at__t").alias("signed_at"),
        pl.col("returned_at__t").alias("returned_at"),
        pl.col("closed_at__t").alias("closed_at"),
        pl.col("extensions").cast(pl.Float64, strict=False).fill_null(0).cast(pl.Int32).alias("extensions"),
        "satisfaction",
        # only text with seven digits (perhaps split by separators) can hold a phone or ID number
        patch_rows(good, pl.col("content").str.contains(pii.MAY_HOLD_NUMBER), "content", pii.mask_text(pl.col("content"))).alias("content"),
        pl.col("caller_phone").str.replace_all(r"[^0-9]", "").alias("phone_digits"),
        pl.lit(path.name).alias("source_file"),
        "source_row",
        pl.lit(is_demo).alias("is_demo"),
    )
    caller_hash = pii.caller_keys(tickets["phone_digits"], salt)
    tickets = tickets.with_columns(caller_hash=caller_hash).select(pl.col(c).cast(t) for c, t in TICKET_SCHEMA.items())
    return extraction.export(
        path.name,
        "hotline",
        {"tickets": tickets, "rejects": rejects},
        "tickets",
        rows_in,
        f"12345 工单（{encoding}）",
        note=f"；未识别、未载入的列：{describe_unmapped(unmapped)}" if unmapped else "",
    )


def upgrade_lake(lake_dir: Path) -> list[Path]:
    """Rewrite ticket partitions written before caller_hash became a 64-bit number (warehouse schema 1 kept
    the 64 hex digits). The first 16 hex digits are the new value, so old and new partitions agree and no
    export needs loading again. Reads only Parquet footers when there is nothing to do."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    upgraded = []
    for path in sorted((lake_dir / "hotline").glob("*/tickets.parquet")):
        if pq.read_schema(path).field("caller_hash").type != pa.string():
            continue
        tmp = path.with_name(".tickets.parquet.upgrading")
        con = duckdb.connect()
        try:
            rows = con.execute(
                f"SELECT * REPLACE ({pii.caller_key_sql('caller_hash')} AS caller_hash) FROM read_parquet(?, hive_partitioning = false)",
                [str(path)],
            ).to_arrow_table()
        finally:
            con.close()
        pq.write_table(rows, tmp, compression="zstd")
        tmp.replace(path)
        upgraded.append(path)
    return upgraded
