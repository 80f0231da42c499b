"""大事记: leaders' dated activities, filtered by date, leader, county, type and keyword."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, filters, fmt, maps, metrics, queries, shell
from dashboard.export import download_buttons, safe_filename


def render() -> None:
    scope = shell.setup()
    if scope is None:
        return
    span = queries.chronicle_span()
    opts = queries.chronicle_options()
    leaders = opts.filter(pl.col("kind") == "leader")
    types = opts.filter(pl.col("kind") == "type")["value"].to_list()
    labels = {f"{r['value']}（{r['label']}）": r["value"] for r in leaders.iter_rows(named=True)}
    header = st.container()  # the title goes above the page's own filters, but says what they chose
    c2, c3, c5 = st.columns([2, 2, 3])
    chosen_leaders = filters.multiselect(c2, "chr_leaders", list(labels), placeholder="全部领导")
    chosen_types = filters.multiselect(c3, "chr_types", types, placeholder="全部类型")
    keyword = filters.text_input(c5, "chr_keyword", placeholder="如：招商、乡村振兴、安全生产")
    start, end = scope.month_from, scope.date_to
    chosen_counties = list(scope.counties)
    extra = "、".join(labels[x] for x in chosen_leaders), "、".join(chosen_types), f"含“{keyword.strip()}”" if keyword.strip() else ""
    with header:
        shell.page_header(
            "大事记",
            "市政府领导活动、会议与县区调研，来源：曲靖市人民政府公报“大事记”栏目",
            " · ".join([scope.describe(), *(x for x in extra if x)]),
        )
    if not span["events"]:
        st.info("数据仓库中还没有大事记。")
        return
    events = queries.chronicle_events(start, end, chosen_types, [labels[x] for x in chosen_leaders], chosen_counties, keyword)
    if events.is_empty() and not (span["first_date"] <= end and span["last_date"] >= start):
        st.info(f"大事记覆盖 {span['first_date']:%Y-%m-%d} 至 {span['last_date']:%Y-%m-%d}，不在左侧所选月份范围内，请调整月份范围。")
        return

    m1, m2, m3 = st.columns(3)
    m1.metric("事件", fmt.count(events.height, " 条"))
    m2.metric("涉及领导", fmt.count(events.select(pl.col("leaders").explode()).drop_nulls().n_unique(), " 位"))
    m3.metric("涉及县区", fmt.count(events.select(pl.col("counties").explode()).drop_nulls().n_unique(), " 个"))
    if events.is_empty():
        st.info("当前筛选条件下没有大事记，请放宽月份、区县、领导、类型或关键词。")
        return

    g1, g2 = st.columns(2)
    by_leader = queries.count_by(events, "leaders", "领导")
    by_type = queries.count_by(events, "event_type", "事件类型")
    n = metrics.metric("events")
    g1.plotly_chart(charts.bar_counts(by_leader, "领导", n.label, "各位领导的活动条数"), width="stretch", key="chr-leader")
    g2.plotly_chart(charts.bar_counts(by_type, "事件类型", n.label, "按事件类型"), width="stretch", key="chr-type")
    county = metrics.label("county")
    by_county = queries.count_by(events, "counties", county)
    if by_county.height:
        left, right = st.columns([3, 2])
        left.plotly_chart(
            charts.bar_counts(by_county, county, n.label, "县（市、区）被提及次数", horizontal=False), width="stretch", key="chr-county"
        )
        values = by_county.select(pl.col(county).alias("county"), pl.col(n.label).cast(pl.Float64).alias("value"))
        with right:
            st.pydeck_chart(maps.county_map(values, n, height_px=360), height=360, key="chr-map")
            st.html(maps.legend(values, n))
    else:
        st.caption("筛选出的大事记未提及具体县（市、区）。")

    table = events.select(
        pl.col("date_start").alias(metrics.label("date_start")),
        pl.col("date_end").alias(metrics.label("date_end")),
        pl.col("event_type").alias(metrics.label("event_type")),
        pl.col("leaders").list.join("、").alias(metrics.label("leaders")),
        pl.col("counties").list.join("、").alias(metrics.label("county")),
        pl.col("text").alias(metrics.label("text")),
        pl.col("event_id").alias(metrics.label("event_id")),
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
