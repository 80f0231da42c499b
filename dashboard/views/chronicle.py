"""大事记: leaders' dated activities, filtered by date, leader, county, type and keyword."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import charts, fmt, queries, shell
from dashboard.export import download_buttons, safe_filename


def render() -> None:
    if not shell.setup():
        return
    shell.page_header("大事记", "市政府领导活动、会议与县区调研，来源：曲靖市人民政府公报“大事记”栏目")
    span = queries.chronicle_span()
    if not span["events"]:
        st.info("数据仓库中还没有大事记。")
        return
    opts = queries.chronicle_options()
    leaders = opts.filter(pl.col("kind") == "leader")
    types = opts.filter(pl.col("kind") == "type")["value"].to_list()
    counties = opts.filter(pl.col("kind") == "county").sort("n")["value"].to_list()

    first, last = span["first_date"], span["last_date"]
    c1, c2, c3 = st.columns([2, 2, 2])
    picked = c1.date_input("日期范围", value=(first, last), min_value=first, max_value=last, key="chr_dates", format="YYYY-MM-DD")
    start, end = _range(picked, first, last)
    labels = {f"{r['value']}（{r['label']}）": r["value"] for r in leaders.iter_rows(named=True)}
    chosen_leaders = c2.multiselect("领导", list(labels), key="chr_leaders", placeholder="全部领导")
    chosen_types = c3.multiselect("事件类型", types, key="chr_types", placeholder="全部类型")
    c4, c5 = st.columns([2, 4])
    chosen_counties = c4.multiselect("涉及县（市、区）", counties, key="chr_counties", placeholder="全部县区")
    keyword = c5.text_input("关键词", key="chr_keyword", placeholder="如：招商、乡村振兴、安全生产")

    events = queries.chronicle_events(start, end, chosen_types, [labels[x] for x in chosen_leaders], chosen_counties, keyword)
    scope = " · ".join(
        x
        for x in [
            f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}",
            "、".join(chosen_counties),
            "、".join(labels[x] for x in chosen_leaders),
            "、".join(chosen_types),
            f"含“{keyword.strip()}”" if keyword.strip() else "",
        ]
        if x
    )
    st.caption(f"当前筛选：{scope}")

    m1, m2, m3 = st.columns(3)
    m1.metric("事件", fmt.count(events.height, " 条"))
    m2.metric("涉及领导", fmt.count(events.select(pl.col("leaders").explode()).drop_nulls().n_unique(), " 位"))
    m3.metric("涉及县区", fmt.count(events.select(pl.col("counties").explode()).drop_nulls().n_unique(), " 个"))
    if events.is_empty():
        st.info("当前筛选条件下没有大事记，请放宽日期、领导、县区、类型或关键词。")
        return

    g1, g2 = st.columns(2)
    by_leader = queries.count_by(events, "leaders", "领导")
    by_type = queries.count_by(events, "event_type", "事件类型")
    g1.plotly_chart(charts.bar_counts(by_leader, "领导", "事件数", "各位领导的活动条数"), width="stretch", key="chr-leader")
    g2.plotly_chart(charts.bar_counts(by_type, "事件类型", "事件数", "按事件类型"), width="stretch", key="chr-type")
    by_county = queries.count_by(events, "counties", "县区")
    if by_county.height:
        st.plotly_chart(
            charts.bar_counts(by_county, "县区", "事件数", "县（市、区）被提及次数", horizontal=False), width="stretch", key="chr-county"
        )
    else:
        st.caption("筛选出的大事记未提及具体县（市、区）。")

    table = events.select(
        pl.col("date_start").alias("开始日期"),
        pl.col("date_end").alias("结束日期"),
        pl.col("event_type").alias("事件类型"),
        pl.col("leaders").list.join("、").alias("领导"),
        pl.col("counties").list.join("、").alias("县区"),
        pl.col("text").alias("内容"),
        pl.col("event_id").alias("编号"),
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "开始日期": st.column_config.DateColumn("开始日期", format="YYYY-MM-DD"),
            "结束日期": st.column_config.DateColumn("结束日期", format="YYYY-MM-DD"),
            "内容": st.column_config.TextColumn("内容", width="large"),
        },
    )
    download_buttons(table, safe_filename("大事记", f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}", "-".join(chosen_counties)), key="dl-chronicle")


def _range(picked, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """st.date_input gives a 1-tuple while the user is choosing the second date."""
    if isinstance(picked, dt.date):
        return picked, picked
    if len(picked) == 2:
        return picked[0], picked[1]
    if len(picked) == 1:
        return picked[0], last
    return first, last
