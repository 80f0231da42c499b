"""Extractor for 12345 work-order (工单) exports: CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX.

Every check is a polars expression over the whole file; a bad row is rejected with file, row, column
and reason while the rest of the file loads; a file without a required column is rejected whole.
Caller name is dropped, caller phone becomes a salted hash (the first 64 bits of a DuckDB sha256), numbers in 诉求内容 are masked.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

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


def _canonical(df: pl.DataFrame, rename: dict[str, str]) -> pl.DataFrame:
    """Canonical names, values spelled as the rules spell them (warehouse/reference/value_alias.csv), a column
    for every standard header."""
    df = canon.values(df.select(list(rename)).rename(rename), SOURCE)
    return df.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in HEADERS if c not in df.columns)


def _mapping(path: Path, headers: list[str]) -> tuple[dict[str, str], list[str]]:
    rename, unmapped = tabular.canonical_columns(headers, SOURCE, path.name)
    tabular.require(rename, REQUIRED, SOURCE, path.name, headers, unmapped)
    return rename, unmapped


def read_export(path: Path) -> tuple[pl.DataFrame, str, list[str]]:
    """A whole export, all columns as text under canonical names (Excel date cells as ISO text), its encoding and
    the headers that map to nothing (reported in the run log). For small files: extract() reads a CSV as a stream."""
    df, encoding = tabular.read_text_frame(path)
    rename, unmapped = _mapping(path, df.columns)
    return _canonical(df, rename), encoding, unmapped


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


# rows read, checked and written at a time: an export of any size is ingested in about 1 GB (issue 17)
BATCH_ROWS = 250_000


def extract(
    path: Path, salt: str, run_time: dt.datetime, is_demo: bool = False, out_dir: Path | None = None, batch_rows: int = BATCH_ROWS
) -> Extraction:
    """salt: of the caller key (etl.pii.salt); run_time: the run's time (--as-of, else the clock when the run
    started): later times are rejected. With out_dir (the file's staging partition) the tickets are written there
    batch by batch, as tickets.parquet, and the result holds the rejects only; without it they are returned."""
    if path.suffix.lower() == ".xlsx":  # a workbook holds at most 1,048,576 rows: read whole
        df, encoding = tabular.read_text_frame(path)
        return _extract(path, df.columns, lambda: iter([df]), encoding, salt, run_time, is_demo, out_dir)
    scratch = out_dir.parent if out_dir is not None else None
    try:
        return _extract_csv(path, path, "utf-8", salt, run_time, is_demo, out_dir, batch_rows)
    except tabular.NotUtf8:
        with tabular.as_utf8(path, scratch) as (copy, encoding):
            return _extract_csv(path, copy, encoding, salt, run_time, is_demo, out_dir, batch_rows)


def _extract_csv(path, source, encoding, salt, run_time, is_demo, out_dir, batch_rows) -> Extraction:
    headers = tabular.csv_columns(source, path.name)
    return _extract(path, headers, lambda: tabular.csv_batches(source, path.name, batch_rows), encoding, salt, run_time, is_demo, out_dir)


def _extract(path, headers, batches, encoding, salt, run_time, is_demo, out_dir, repeats: pl.DataFrame | None = None) -> Extraction:
    """One pass over the batches. A ticket number that repeats is judged over the whole file: within a batch that
    is the batch itself; when one is seen in two batches (rare), the file is read once more with every repeat
    known first (`repeats`)."""
    rename, unmapped = _mapping(path, headers)
    damaged = tabular.damaged_checks([(c, HEADERS[c]) for c in HEADERS], encoding)
    context = _Checks(run_time, damaged, path.name)
    out = _TicketWriter(out_dir)
    rejects, id_hashes, rows_in = [], [], 0
    try:
        for raw in batches():
            df = _prepared(_canonical(raw, rename), rows_in)
            rows_in += raw.height
            tickets, bad = context.apply(df, repeats if repeats is not None else repeated_tickets(df))
            out.write(_tickets(tickets, path.name, salt, is_demo))
            rejects.append(bad)
            if repeats is None:
                id_hashes.append(df["ticket_id"].drop_nulls().unique().hash(seed=0))
        if repeats is None and len(id_hashes) > 1 and pl.concat(id_hashes).is_duplicated().any():
            out.discard()
            known = _repeated_across_batches(batches, rename, pl.concat(id_hashes))
            return _extract(path, headers, batches, encoding, salt, run_time, is_demo, out_dir, known)
        loaded = out.close()
    except BaseException:
        out.discard()
        raise
    tables = {"rejects": pl.concat(rejects).sort("row", "column") if rejects else pl.DataFrame(schema=REJECT_SCHEMA)}
    if out_dir is None:
        tables = {"tickets": out.frame(), **tables}
    return extraction.export(
        path.name,
        "hotline",
        tables,
        "tickets",
        rows_in,
        f"12345 工单（{encoding}）",
        note=f"；未识别、未载入的列：{describe_unmapped(unmapped)}" if unmapped else "",
        loaded_rows=loaded,
    )


def _prepared(df: pl.DataFrame, offset: int) -> pl.DataFrame:
    """Row numbers as the file's (the header is row 1), every cell trimmed and a blank one missing (polars reads an
    empty field as null already), so later checks need no trimming; the times parsed beside their text."""
    df = df.with_row_index("source_row", offset=offset + 2).with_columns(pl.col("source_row").cast(pl.Int64))
    df = df.with_columns(pl.col(c).str.strip_chars() for c in HEADERS)
    has_blank = df.select((pl.col(c) == "").any() for c in HEADERS).row(0)
    df = df.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c, b in zip(HEADERS, has_blank, strict=True) if b)
    return df.with_columns(parse_times(df, c).alias(f"{c}__t") for c in TIME_COLUMNS)


def _content() -> pl.Expr:
    return pl.concat_str([pl.col(c).fill_null("\x00") for c in HEADERS], separator="\x1f")


def repeated_tickets(df: pl.DataFrame) -> pl.DataFrame:
    """Ticket numbers that occur more than once: whether their rows differ (all are rejected) or are the same (the
    first is kept), and the first row's number."""
    rep = df.filter(pl.col("ticket_id").is_duplicated() & pl.col("ticket_id").is_not_null())
    return rep.group_by("ticket_id").agg(conflict=_content().n_unique() > 1, keep_row=pl.col("source_row").min())


def _repeated_across_batches(batches, rename, id_hashes: pl.Series) -> pl.DataFrame:
    """repeated_tickets over the whole file: the rows whose number's hash occurs in two batches, read again."""
    suspects = id_hashes.filter(id_hashes.is_duplicated()).unique()
    rows, offset = [], 0
    for raw in batches():
        df = _prepared(_canonical(raw, rename), offset)
        offset += raw.height
        rows.append(df.filter(pl.col("ticket_id").hash(seed=0).is_in(suspects.implode())))
    return repeated_tickets(pl.concat(rows))


class _Checks:
    """The row checks of one file: apply() splits a prepared batch into good rows and reject rows."""

    def __init__(self, run_time: dt.datetime, damaged: list, file_name: str):
        self.run_time, self.damaged, self.file_name = run_time, damaged, file_name
        rules = reference.load("hotline_rules")
        self.max_ext = int(rules["max_extensions"].cast(pl.Int64).max())
        self.categories = rules["category"].to_list()

    def apply(self, df: pl.DataFrame, repeats: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        run_time, max_ext = self.run_time, self.max_ext
        lo = dt.datetime.fromisoformat(CALENDAR_START)
        ext = pl.col("extensions").cast(pl.Float64, strict=False)
        answered_directly = (pl.col("handling") == "当场答复").fill_null(False) | (
            _missing("handling") & _missing("department") & pl.col("dispatched_at__t").is_null()
        )
        conflicting = repeats.filter("conflict")["ticket_id"].implode()
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
            *((c, pl.col(f"{c}__t") > pl.lit(run_time + dt.timedelta(days=1)), extraction.FUTURE_REASON) for c in TIME_COLUMNS),
            (
                "extensions",
                ~_missing("extensions") & ~(ext.is_in([float(n) for n in range(max_ext + 1)]).fill_null(False)),
                f"延期次数应为 {'、'.join(str(n) for n in range(max_ext))} 或 {max_ext}",
            ),
            ("category", ~pl.col("category").is_in(self.categories).fill_null(False), "未知诉求类型"),
            ("county", ~_missing("county") & ~canon.county_known(pl.col("county")), "未知区县"),
            ("handling", ~_missing("handling") & ~pl.col("handling").is_in(list(HANDLING)), "办理方式应为 当场答复 或 派单"),
            ("satisfaction", ~_missing("satisfaction") & ~pl.col("satisfaction").is_in(list(SATISFACTION)), "未知回访结果"),
            ("channel", ~_missing("channel") & ~pl.col("channel").is_in(list(CHANNELS)), "未知受理渠道"),
            # the same ticket twice in one file: identical rows collapse to one, rows that differ are rejected
            ("ticket_id", pl.col("ticket_id").is_in(conflicting).fill_null(False), "同一文件内同一工单编号出现多次且内容不同"),
        ]
        labelled = self.damaged + [(col, HEADERS[col], cond, reason) for col, cond, reason in checks]
        rejects = tabular.rejects_from_checks(df, self.file_name, labelled)
        good = df.filter(~pl.col("source_row").is_in(rejects["row"].implode())) if rejects.height else df
        if repeats.height:
            later = good.join(repeats.select("ticket_id", "keep_row"), on="ticket_id", how="left")["keep_row"]
            good = good.filter(later.is_null() | (later == good["source_row"]))
        return good, rejects


def _tickets(good: pl.DataFrame, file_name: str, salt: str, is_demo: bool) -> pl.DataFrame:
    """Good rows as the lake's tickets: typed, the caller keyed, numbers in 诉求内容 masked."""
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
        pl.lit(file_name).alias("source_file"),
        "source_row",
        pl.lit(is_demo).alias("is_demo"),
    )
    caller_hash = pii.caller_keys(tickets["phone_digits"], salt)
    return tickets.with_columns(caller_hash=caller_hash).select(pl.col(c).cast(t) for c, t in TICKET_SCHEMA.items())


class _TicketWriter:
    """The tickets of one file: appended to out_dir/tickets.parquet batch by batch (put in place by close()), or
    kept in memory when there is no out_dir. Encoding and compressing a batch runs in a thread (pyarrow releases
    the GIL) while the next batch is checked; at most one batch waits, so memory stays bounded."""

    def __init__(self, out_dir: Path | None):
        self.out_dir, self.frames, self.writer, self.rows = out_dir, [], None, 0
        self.tmp = out_dir / ".tickets.parquet.tmp" if out_dir is not None else None
        self.pool = ThreadPoolExecutor(max_workers=1) if out_dir is not None else None
        self.pending: Future | None = None

    def write(self, tickets: pl.DataFrame) -> None:
        self.rows += tickets.height
        if self.out_dir is None:
            self.frames.append(tickets)
            return
        table = tickets.to_arrow()
        self._wait()
        if self.writer is None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.tmp, table.schema, compression="zstd", compression_level=1)
        self.pending = self.pool.submit(self.writer.write_table, table.cast(self.writer.schema))

    def _wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()  # a failed write raises here

    def close(self) -> int:
        if self.out_dir is not None:
            if self.writer is None:
                self.write(pl.DataFrame(schema=TICKET_SCHEMA))
            self._wait()
            self.writer.close()
            self.pool.shutdown()
            os.replace(self.tmp, self.out_dir / "tickets.parquet")
        return self.rows

    def frame(self) -> pl.DataFrame:
        return pl.concat(self.frames) if self.frames else pl.DataFrame(schema=TICKET_SCHEMA)

    def discard(self) -> None:
        if self.pending is not None:
            self.pending.exception()  # let the write finish before the file is closed
            self.pending = None
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
        self.frames, self.rows = [], 0


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
