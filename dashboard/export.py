"""Downloads: exactly the rows on screen, as CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX.

Text cells that a spreadsheet would read as a formula (starting with = + - @, or a tab/CR) get a
leading apostrophe. Numbers are left alone. One helper for every page.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
import streamlit as st

_UNSAFE = re.compile(r"^[=+\-@\t\r]")


def neutralise(df: pl.DataFrame) -> pl.DataFrame:
    """Prefix formula-looking text with ' ; lists become '、'-joined text first."""
    out = df.with_columns(pl.col(c).list.join("、") for c, t in df.schema.items() if t == pl.List(pl.Utf8))
    return out.with_columns(
        pl.when(pl.col(c).str.contains(_UNSAFE.pattern)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, t in out.schema.items()
        if t == pl.Utf8
    )


def to_csv_bytes(df: pl.DataFrame) -> bytes:
    return b"\xef\xbb\xbf" + neutralise(df).write_csv(datetime_format="%Y-%m-%d %H:%M:%S", date_format="%Y-%m-%d").encode("utf-8")


def to_xlsx_bytes(df: pl.DataFrame, sheet: str = "数据") -> bytes:
    buf = io.BytesIO()
    neutralise(df).write_excel(buf, worksheet=sheet[:31], autofit=True)
    return buf.getvalue()


def safe_filename(*parts: str) -> str:
    name = "_".join(p for p in parts if p)
    return re.sub(r'[\\/:*?"<>|\s]+', "-", name)


def download_buttons(df: pl.DataFrame, basename: str, key: str, everything: Deferred | None = None) -> None:
    """CSV and XLSX buttons for the rows of df; basename says what and which filter. Each download is audited. A list
    cut short on screen passes everything: its rows are fetched when a button is clicked, and the buttons say so."""
    c1, c2, _ = st.columns([1, 1, 4])
    name = safe_filename(basename)
    rows = everything.rows if everything else df.height
    csv = functools.partial(_built, to_csv_bytes, everything) if everything else to_csv_bytes(df)
    c1.download_button(
        f"下载 CSV（{rows} 行）",
        csv,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        disabled=rows == 0,
        on_click=log_download,
        args=(f"{name}.csv", rows),
    )
    c2.download_button(
        "下载 Excel",
        # built when clicked: an Excel file is written cell by cell, too slow to prepare on every rerun
        functools.partial(_built, to_xlsx_bytes, everything) if everything else functools.partial(to_xlsx_bytes, df),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        disabled=rows == 0,
        on_click=log_download,
        args=(f"{name}.xlsx", rows),
    )


@dataclass(frozen=True)
class Deferred:
    """Every row of a list shown cut short: how many there are, and a function that fetches them (shaped as on
    screen). Streamlit calls it on another thread when a download button is clicked."""

    rows: int
    fetch: Callable[[], pl.DataFrame]


def _built(write: Callable[[pl.DataFrame], bytes], everything: Deferred) -> bytes:
    return write(everything.fetch())


def log_download(file_name: str, rows: int) -> None:
    from dashboard import audit
    from dashboard.auth import client_address, current_user
    from dashboard.filters import page_filter_summary

    user = current_user()
    scope = st.session_state.get("scope")
    detail = f"{file_name} · 筛选：{scope.describe() if scope else '—'}"
    if page := page_filter_summary(st.session_state):
        detail += f" · 页面筛选：{page}"
    audit.record(user.username if user else None, "download", detail, rows, client=client_address())
