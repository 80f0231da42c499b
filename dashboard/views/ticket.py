"""A ticket's drill-through: from any ticket list (the overdue list today; 预警 and 热点诉求 as they land), a click on a row
opens the ticket: its steps (受理, 派单, 签收, 退单, 延期, 办结, 回访) against its deadlines, with department, county and
the masked content. No personal data: the query never reads the caller."""

from __future__ import annotations

import os

import polars as pl
import streamlit as st

from dashboard import metrics, queries
from dashboard.export import Deferred, download_buttons
from dashboard.filters import TICKET_LINKED, TICKET_PARAM

# a list longer than this shows its first rows; the rest are counted on screen and in the downloads. Thousands of rows
# are more than anyone reads, and sending 100,000 to the browser took 0.2 s of query alone at 100 M tickets.
SHOWN_ROWS = int(os.environ.get("DASHBOARD_LIST_ROWS", "1000"))


def _at(value) -> str:
    return "—" if value is None else f"{value:%Y-%m-%d %H:%M}"


def steps(t: dict, settings: dict, rules: pl.DataFrame) -> pl.DataFrame:
    """The ticket's timeline as 环节 · 时间 · 说明 (one ticket: a handful of rows built from its fields)."""
    rule = rules.filter(pl.col("category") == t["category"])
    extension_days = rule["extension_days"][0] if rule.height else None
    if t["answered_directly"]:
        dispatch = ("派单", "—", "当场答复，未派单")
    else:
        dispatch = ("派单", _at(t["dispatched_at"]), f"派往 {t['department'] or '—'}")
    sign_note = {True: f"{settings['sign_window_hours']:g} 小时内签收", False: "签收超时"}.get(t["sign_on_time"], "")
    if t["closed_at"] is not None:
        outcome = "按期办结" if t["closed_on_time"] else metrics.metric("late_closed").label
        close = (
            "办结",
            _at(t["closed_at"]),
            f"{outcome}，用时 {t['workdays_to_close']} 个工作日" if t["workdays_to_close"] is not None else outcome,
        )
    elif t["overdue_open"]:
        close = ("办结", "—", f"{metrics.metric('overdue_open').label}，已超最长时限 {t['workdays_overdue']} 个工作日")
    else:
        close = ("办结", "—", "在办（仍在办理时限内）")
    rows = [
        ("受理", _at(t["received_at"]), f"{t['channel'] or '—'} · {t['category']} · {t['topic'] or '—'}"),
        dispatch,
        ("签收", _at(t["signed_at"]), sign_note or ("未签收" if t["dispatched_at"] is not None else "—")),
        (
            "退单",
            _at(t["returned_at"]),
            "" if t["returned_at"] is None else {True: "按时退单", False: "退单超时"}.get(t["return_on_time"], ""),
        ),
        ("延期", f"{t['extensions']} 次", f"每次延长 {extension_days} 个工作日" if t["extensions"] and extension_days else ""),
        ("一般时限", _at(t["standard_deadline_at"]), "受理次日起计工作日" if t["standard_deadline_at"] is not None else "无时限（表扬）"),
        ("最长时限", _at(t["deadline_at"]), "含延期" if t["extensions"] else ""),
        close,
        ("回访", "—", t["satisfaction"] or "未回访"),
    ]
    return pl.DataFrame(rows, schema=["环节", "时间", "说明"], orient="row")


def detail(ticket_id: str, f) -> None:
    """The ticket under the list; nothing when the user's scope does not include it."""
    found = queries.hotline_ticket(ticket_id, f)
    if found.is_empty():
        st.info(f"工单 {ticket_id} 不在当前筛选或您的查看范围内。")
        return
    t = found.row(0, named=True)
    with st.container(border=True):
        st.markdown(f"**工单 {t['ticket_id']}** · {t['county'] or '未注明区县'} · {t['department'] or '当场答复'}")
        if t["calendar_provisional"]:
            st.caption("该工单的时限落在尚未公布节假日安排的年份，暂按仅周末休息计算。")
        st.dataframe(steps(t, queries.hotline_settings(), queries.hotline_rules()), hide_index=True, width="stretch")
        st.markdown(f"**{metrics.label('content')}**：{t['content'] or '—'}")


# a ticket list's columns, in this order where the list has them
LIST_COLUMNS = [
    "ticket_id", "received_at", "category", "topic", "county", "department", "extensions", "deadline_at", "workdays_overdue", "content",
]  # fmt: skip


def listing(found: queries.Rows, basename: str, key: str, f) -> None:
    """A list of tickets (overdue, 预警, hot problems): a click on a row opens the ticket under it; downloadable. A list
    cut short says so, and its downloads hold every row."""
    columns = [c for c in LIST_COLUMNS if c in found.shown.columns]
    table = metrics.table(found.shown, columns)
    everything = None
    if found.total > found.shown.height:
        st.caption(f"共 {found.total:,} 件，列表显示排在最前的 {found.shown.height:,} 件；下载的 CSV / Excel 含全部 {found.total:,} 件。")
        everything = Deferred(found.total, lambda: metrics.table(found.fetch_all(), columns))
    st.caption("点击一行查看该工单的办理过程与时限。")
    event = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key=key)
    download_buttons(table, basename, key=f"dl-{key}", everything=everything)
    chosen = pick(event, table, metrics.label("ticket_id"))
    if chosen:
        detail(chosen, f)


def pick(event, table: pl.DataFrame, id_column: str) -> str | None:
    """The ticket a click chose in a list drawn with on_select, else the one the link named (?ticket=…, kept from
    the session's first run by dashboard.filters); it goes into the URL, so the drill-through can be passed on."""
    state = st.session_state
    rows = event.selection.rows if event is not None else []
    if rows:
        state.pop(TICKET_LINKED, None)  # a click replaces what the link opened
        chosen = table[id_column][rows[0]]
    else:
        chosen = state.get(TICKET_LINKED)
    if chosen:
        st.query_params[TICKET_PARAM] = chosen
    return chosen
