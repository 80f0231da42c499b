"""下载简报 on 总览 and 区县画像: the 月度简报 (dashboard.brief) of the filter's last month, for the filter's counties and
departments narrowed to the user's own scope, built when clicked (a briefing takes a second or two: never on a rerun)."""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st

from dashboard import auth, brief, db
from dashboard.brief.model import file_stem, scope_text
from dashboard.export import log_download
from dashboard.filters import Scope

BUTTON = "下载简报"
LABELS = {"pdf": "PDF（阅读、打印）", "docx": "Word（可编辑）"}


def own_scope(scope: Scope, user: auth.User | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The counties and departments a briefing covers: the filter's, or the account's own where it has one (the
    queries narrow to it anyway; this makes the cover and the file name say so)."""
    counties, departments = scope.counties, scope.departments
    if user is not None and user.role == "县级":
        counties = (user.county,)
    if user is not None and user.role == "部门":
        departments = (user.department,)
    return counties, departments


@functools.lru_cache(maxsize=8)
def _files(version: str, month: dt.date, counties: tuple, departments: tuple, user: auth.User | None) -> brief.Files:
    with auth.acting_as(user):  # the click runs in a server thread: it queries as the user the page was drawn for
        return brief.build(month, counties, departments, generated_at=dt.datetime.now())


def _data(kind: str, month: dt.date, counties: tuple, departments: tuple, user: auth.User | None) -> bytes:
    files = _files(db.current_version().key, month, counties, departments, user)
    return files.pdf if kind == "pdf" else files.docx


def buttons(scope: Scope, key: str) -> None:
    """One 下载简报 button opening what the briefing covers and its two files (PDF, Word)."""
    user = auth.current_user()
    counties, departments = own_scope(scope, user)
    month = scope.month_to
    stem = file_stem(month, scope_text(counties, departments))
    with st.popover(BUTTON, icon=":material/description:"):
        st.caption(f"月度简报：{month.year}年{month.month}月（所选期间的最后一个月）· {scope_text(counties, departments)}")
        for kind in brief.FORMATS:
            name = f"{stem}.{kind}"
            st.download_button(
                LABELS[kind],
                functools.partial(_data, kind, month, counties, departments, user),
                file_name=name,
                mime=brief.FORMATS[kind],
                key=f"{key}-{kind}",
                on_click=log_download,
                args=(name, 0),
                width="stretch",
            )
