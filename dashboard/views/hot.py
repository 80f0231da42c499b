"""热点诉求 (warehouse model hot_problem): the month's most raised problems and the rising ones, for the whole city or
one county, on 12345热线, 区县画像 and 预警中心 — the candidates for 每月一题. A click on a problem lists its tickets."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import filters, metrics, queries
from dashboard.export import download_buttons, safe_filename
from dashboard.filters import HotlineFilter, Scope
from dashboard.views import ticket


def _months(scope: Scope) -> list[str]:
    """Months with problems, latest first, those within the global months first."""
    months = queries.hot_problem_months()
    inside = [m for m in months if f"{scope.month_from:%Y-%m}" <= m <= f"{scope.month_to:%Y-%m}"]
    return inside + [m for m in months if m not in inside]


def problems(scope: Scope, key: str, county: str | None = None, rising_only: bool = False) -> None:
    """The problems of a month for a county (the scope's only county, or the one given) or the whole city."""
    if not queries.allowed("hot_problems"):
        return
    months = _months(scope)
    if not months:
        st.info("还没有可分析的诉求内容。")
        return
    county = county or (scope.counties[0] if len(scope.counties) == 1 else None)
    where = county or "全市"
    month = filters.selectbox(st, f"{key}_month", months, format_func=lambda m: f"{m} · {where}")
    df = queries.hot_problems(dt.date.fromisoformat(f"{month}-01"), county)
    rising = df.filter(pl.col("rising"))
    shown = rising if rising_only else df
    if rising.height:
        st.warning(
            f"{month} {where}上升的问题："
            + "、".join(
                f"{r['term']}（{r['tickets']} 件，占 {r['share']}%，前三月占 {r['prev3_share']}%）" for r in rising.iter_rows(named=True)
            ),
            icon=":material/trending_up:",
        )
    elif rising_only:
        st.success(f"{month} {where}没有明显上升的问题。")
    if shown.is_empty():
        return
    table = metrics.table(
        shown.with_columns(pl.when(pl.col("rising")).then(pl.lit("↑ 上升")).otherwise(pl.lit("")).alias("rising")),
        ["rank", "term", "tickets", "share", "prev3_mean", "rising"],
        domain="hot",
    )
    st.caption("问题取自诉求内容（已脱敏）的关键词；上升：占比达到前三月的规定倍数。点击一行查看该问题的工单。")
    event = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key=f"{key}-list")
    download_buttons(table, safe_filename("热点诉求", where, month), key=f"dl-{key}")
    rows = event.selection.rows if event is not None else []
    if rows:
        term = shown["term"][rows[0]]
        tickets = queries.hot_problem_tickets(term, dt.date.fromisoformat(f"{month}-01"), county, scope, ticket.SHOWN_ROWS)
        st.markdown(f"**{term}** · {month} · {where}：{tickets.total} 件")
        ticket.listing(tickets, safe_filename("热点诉求工单", where, month, term), f"{key}-tickets", HotlineFilter.within(scope))
