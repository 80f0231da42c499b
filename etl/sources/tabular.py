"""Reading the tabular inbox files (CSV in UTF-8/GB18030, or XLSX) as all-text frames, shared by the
hotline, concession and indicator extractors."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from etl.inbox import read_head
from etl.pii import mask_text
from etl.sources import canon
from etl.sources import encoding as text_encoding
from etl.sources.encoding import DAMAGED, UNDECODABLE


class FileRejected(ValueError):
    """The whole file is rejected; the message names the file and why."""


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """etl.sources.encoding.decode, a file that cannot be decoded being a rejected file."""
    try:
        return text_encoding.decode(raw, name)
    except text_encoding.Undecodable as e:
        raise FileRejected(str(e)) from e


def canonical_columns(headers: list[str], source: str, file_name: str) -> tuple[dict[str, str], list[str]]:
    """canon.columns, two headers meaning one column being a rejected file."""
    try:
        return canon.columns(headers, source)
    except canon.DuplicateColumn as e:
        raise FileRejected(f"{file_name}: {e}") from e


def require(rename: dict[str, str], required: tuple[str, ...], source: str, file_name: str, headers: list[str], unmapped=()) -> None:
    """Rejects the file whole when a required column is not among its headers, naming the columns found,
    the nearest standard header of each unrecognised one, and where an operator teaches it new names."""
    names = canon.standard(source)
    missing = [names[c] for c in required if c not in rename.values()]
    if missing:
        raise FileRejected(
            f"{file_name}: missing required column(s) {', '.join(missing)}; columns found: {', '.join(headers)}"
            + (f"; not recognised: {canon.describe_unmapped(list(unmapped), source)}" if unmapped else "")
            + " (add a platform's header names to warehouse/reference/header_alias.csv)"
        )


def damaged_checks(columns: list[tuple[str, str]], encoding: str) -> list[tuple[str, str, pl.Expr, str]]:
    """Row checks for a file decoded with damaged bytes: (column, label) -> a check per column."""
    if DAMAGED not in encoding:
        return []
    return [(c, label, pl.col(c).str.contains(UNDECODABLE, literal=True), "含有无法解码的字节（文件在此行损坏）") for c, label in columns]


def duplicate_headers(columns: list[str]) -> list[str]:
    """Header names that occur more than once (polars renames the repeats 'x_duplicated_0')."""
    return sorted({c.split("_duplicated_")[0] for c in columns if "_duplicated_" in c})


def problem(path: Path) -> str:
    """Why a .csv/.xlsx file is not one of the known exports: a message naming the file, for the run log."""
    name = path.name
    try:
        raw = read_head(path)  # the first bytes tell; the file may be huge
    except OSError as e:
        return f"{name}: cannot be read ({e.strerror})"
    if not raw.strip():
        return f"{name}: the file is empty" if path.stat().st_size <= len(raw) else f"{name}: the first {len(raw)} bytes are blank"
    if path.suffix.lower() == ".xlsx":
        if not raw.startswith(b"PK"):
            return f"{name}: not an Excel workbook (XLSX files are ZIP archives; this one is not)"
        try:
            cols = pl.read_excel(path, engine="calamine", infer_schema_length=0, read_options={"n_rows": 0}).columns
        except Exception as e:  # calamine's errors are not one type
            return f"{name}: not a readable Excel workbook, perhaps truncated ({str(e).splitlines()[0][:120]})"
        return f"{name}: row 1: the header ({', '.join(cols[:8])}) is not a 12345 work-order export, a concession score sheet or indicator actuals"
    head = raw[:2048].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")):
        return f"{name}: this is a web page (HTML/XML), not a CSV export; save the data from the system as CSV or Excel"
    try:
        text = text_encoding.decode_text(raw.split(b"\n", 1)[0], name)
    except text_encoding.Undecodable as e:
        return str(e)
    if "\t" in text or ";" in text and "," not in text:
        return f"{name}: row 1: columns are separated by tabs or semicolons; save as comma-separated CSV (CSV UTF-8) or Excel"
    return f"{name}: row 1: the header ({text[:120]}) is not a 12345 work-order export, a concession score sheet or indicator actuals"


def header(path: Path) -> list[str] | None:
    """The header row of a CSV or XLSX file, or None."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with open(path, "rb") as fh:
                first_line = fh.readline(65536)
            text, encoding = decode(first_line.rstrip(b"\r\n"), path.name)
            if DAMAGED in encoding:
                return None
            return [c.strip().strip('"').lstrip("\ufeff") for c in text.split(",")]
        if suffix == ".xlsx":
            # header only: no rows, so no type guessing (and no warnings about it)
            return [c.strip() for c in pl.read_excel(path, engine="calamine", infer_schema_length=0, read_options={"n_rows": 0}).columns]
    except Exception:
        return None
    return None


class NotUtf8(Exception):
    """polars refused the file's bytes: it is to be decoded (etl.sources.encoding) and read again."""


def _csv_error(e: Exception, name: str) -> Exception:
    first = str(e).splitlines()[0]
    if "utf-8" in first.lower() or "utf8" in first.lower():
        return NotUtf8(first)
    return FileRejected(f"{name}: not a readable CSV ({first})")


def _read_csv(source, name: str) -> pl.DataFrame:
    try:
        return pl.read_csv(source, infer_schema=False)
    except pl.exceptions.PolarsError as e:
        raise _csv_error(e, name) from e


def csv_columns(source: Path, name: str) -> list[str]:
    """The header of a UTF-8 CSV as polars names its columns, a repeated name refused. polars reads a header it
    cannot decode with replacement characters, so the header's bytes are checked here (NotUtf8)."""
    with open(source, "rb") as fh:
        first_line = fh.readline(1 << 20)
    try:
        first_line.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NotUtf8(f"{name}: the header is not UTF-8") from e
    try:
        columns = pl.scan_csv(source, infer_schema=False).collect_schema().names()
    except pl.exceptions.PolarsError as e:
        raise _csv_error(e, name) from e
    repeated = duplicate_headers(columns)
    if repeated:
        raise FileRejected(f"{name}: row 1: column name(s) {', '.join(repeated)} appear more than once; keep one of each")
    return columns


def csv_batches(source: Path, name: str, rows: int) -> Iterator[pl.DataFrame]:
    """A UTF-8 CSV (with or without BOM) as all-text frames of at most `rows` rows, read as a stream: memory does
    not grow with the file. Raises NotUtf8 at the first batch polars refuses to decode."""
    scan = pl.scan_csv(source, infer_schema=False)
    empty = True
    try:
        for df in scan.collect_batches(chunk_size=rows):
            empty = False
            yield df.rename({c: c.strip().lstrip("\ufeff") for c in df.columns})
        if empty:  # a header without rows
            df = scan.clear().collect()
            yield df.rename({c: c.strip().lstrip("\ufeff") for c in df.columns})
    except pl.exceptions.PolarsError as e:
        raise _csv_error(e, name) from e


@contextmanager
def as_utf8(path: Path, scratch: Path | None = None):
    """A CSV that is not UTF-8, decoded a block at a time into a temporary UTF-8 copy (in scratch, beside the
    lake during a run): yields (path of the copy, encoding as etl.sources.encoding names it)."""
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".decode-") as tmp:
        copy = Path(tmp) / "utf8.csv"
        try:
            encoding = text_encoding.transcode(path, copy, path.name)
        except text_encoding.Undecodable as e:
            raise FileRejected(str(e)) from e
        yield copy, encoding


def read_text_frame(path: Path) -> tuple[pl.DataFrame, str]:
    """Every column as text; Excel date cells as 'YYYY-MM-DD HH:MM:SS'. Returns (frame, encoding)."""
    if path.suffix.lower() == ".xlsx":
        raw_header = pl.read_excel(path, engine="calamine", has_header=False, infer_schema_length=0, read_options={"n_rows": 1})
        names = [str(v).strip() for v in raw_header.row(0) if v is not None] if raw_header.height else []
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise FileRejected(f"{path.name}: row 1: column name(s) {', '.join(repeated)} appear more than once; keep one of each")
        df = pl.read_excel(path, engine="calamine", infer_schema_length=0)
        df = df.with_columns(
            pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S") if isinstance(df.schema[c], pl.Datetime | pl.Date) else pl.col(c).cast(pl.Utf8)
            for c in df.columns
        )
        return df.rename({c: c.strip() for c in df.columns}), "xlsx"
    # polars reads UTF-8 (with or without BOM) itself and refuses anything else: only a file that is not
    # UTF-8 is decoded here, so the common case never passes through Python strings
    try:
        df, encoding = _read_csv(path, path.name), "utf-8"
    except NotUtf8:
        text, encoding = decode(path.read_bytes(), path.name)
        df = _read_csv(io.BytesIO(text.encode("utf-8")), path.name)
    repeated = duplicate_headers(df.columns)
    if repeated:
        raise FileRejected(f"{path.name}: row 1: column name(s) {', '.join(repeated)} appear more than once; keep one of each")
    return df.rename({c: c.strip().lstrip("\ufeff") for c in df.columns}), encoding


def blank(col: str) -> pl.Expr:
    return pl.col(col).is_null() | (pl.col(col).str.strip_chars() == "")


REJECT_SCHEMA = {"source_file": pl.Utf8, "row": pl.Int64, "column": pl.Utf8, "reason": pl.Utf8, "value": pl.Utf8}


def rejects_from_checks(df: pl.DataFrame, file_name: str, checks: list[tuple[str, str, pl.Expr, str]]) -> pl.DataFrame:
    """checks: (source column, column label shown to users, condition, reason) -> one reject row per hit.
    df must have a source_row column."""
    if not checks:
        return pl.DataFrame(schema=REJECT_SCHEMA)
    # one pass finds the rows that fail anything; each check then looks at those rows only
    df = df.filter(pl.any_horizontal(cond.fill_null(False) for _, _, cond, _ in checks))
    frames = [
        df.filter(cond.fill_null(False)).select(
            pl.lit(file_name).alias("source_file"),
            pl.col("source_row").alias("row"),
            pl.lit(label).alias("column"),
            pl.lit(reason).alias("reason"),
            # a rejected value can be a phone or ID number typed into the wrong column: masked like 诉求内容
            mask_text(pl.col(col).cast(pl.Utf8)).alias("value"),
        )
        for col, label, cond, reason in checks
    ]
    return pl.concat(frames).cast(REJECT_SCHEMA).sort("row", "column")
