"""总览: the headline figures of what the warehouse holds, each linking to its page."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import charts, fmt, queries, shell
from dashboard.filters import HotlineFilter
from dashboard.nav import link


def render() -> None:
    if not shell.setup():
        return
    shell.page_header("总览", shell.status_line())
    c = queries.overview_counts()

    st.subheader("乡村振兴衔接规划（2021—2025年）")
    a, b, d = st.columns(3)
    a.metric(
        "主要指标",
        fmt.count(c["indicators"], " 项"),
        f"约束性 {c['binding_indicators']} 项 · 预期性 {c['indicators'] - c['binding_indicators']} 项",
        delta_color="off",
        delta_arrow="off",
    )
    b.metric("规划总投资（印刷合计）", fmt.wan_yuan(c["plan_total_wan"]))
    if c["plan_total_wan"] is not None and c["plan_parts_wan"] is not None:
        gap = c["plan_total_wan"] - c["plan_parts_wan"]
        d.metric(
            "印刷合计与分项之和之差",
            fmt.wan_yuan(gap),
            "公报原数，未作修改" if abs(gap) > 0.05 else "一致",
            delta_color="off",
            delta_arrow="off",
        )
    link("plan", "查看规划指标与投资 →")

    monitoring_summary()
    hotline_summary()
    concession_summary()

    st.subheader("12345 热线归并")
    a, b, _ = st.columns(3)
    a.metric("归并热线", fmt.count(c["hotlines"], " 条"))
    b.metric("整体并入 / 双号并行", f"{c['hotlines_merged']} / {c['hotlines'] - c['hotlines_merged']}")
    lines = queries.hotline_lines()
    if lines.height:
        with st.expander("归并清单（附件1）"):
            st.dataframe(
                lines,
                hide_index=True,
                width="stretch",
            )

    st.subheader("大事记")
    a, b, d = st.columns(3)
    span = queries.chronicle_span()
    a.metric("大事记", fmt.count(c["events"], " 条"))
    b.metric("涉及市领导", fmt.count(c["leaders"], " 位"))
    d.metric("覆盖日期", f"{span['first_date']:%m-%d} 至 {span['last_date']:%m-%d}" if span["events"] else "—")
    counties = queries.county_event_counts()
    if counties["events"].sum():
        st.plotly_chart(
            charts.bar_counts(
                counties.select(pl.col("county").alias("县区"), pl.col("events").alias("事件数")),
                "县区",
                "事件数",
                "大事记中各县（市、区）被提及次数",
                horizontal=False,
            ),
            width="stretch",
            key="ov-county",
        )
    link("chronicle", "查看大事记 →")

    st.subheader("数据质量")
    a, b, _ = st.columns(3)
    a.metric("数据质量发现", fmt.count(c["findings"], " 条"))
    b.metric("其中实质差异", fmt.count(c["material_findings"], " 条"))
    link("status", "查看数据状态 →")

    with st.expander(f"本期公报文件（{c['documents']} 份）与人事任免"):
        st.dataframe(
            queries.documents().rename({"issue": "期号", "doc_no": "文号", "title": "标题", "issued_on": "印发日期"}),
            hide_index=True,
            width="stretch",
        )
        st.dataframe(
            queries.personnel().rename(
                {"doc_no": "文号", "issued_on": "印发日期", "name": "姓名", "action": "任/免", "post": "职务", "issue": "期号"}
            ),
            hide_index=True,
            width="stretch",
        )


def hotline_summary() -> None:
    """Last 12 months of the hotline against the 附件3 targets, when tickets exist."""
    options = queries.hotline_options()
    months = sorted(options.filter(pl.col("kind") == "month")["value"].to_list())
    if not months:
        return
    f = HotlineFilter(dt.date.fromisoformat(f"{months[max(0, len(months) - 12)]}-01"), dt.date.fromisoformat(f"{months[-1]}-01"))
    k = queries.hotline_kpis(f).row(0, named=True)
    settings = queries.hotline_settings()
    st.subheader(f"12345 热线（{f.month_from:%Y-%m} 至 {f.month_to:%Y-%m}）" + ("　演示数据" if k["has_demo"] else ""))
    if k["has_demo"]:
        st.caption("演示数据：12345 工单为系统生成的虚构数据，仅用于展示。")
    a, b, c, d = st.columns(4)
    a.metric("工单量", fmt.count(k["volume"], " 件"))
    for col, key, label in ((b, "close_rate", "办结率"), (c, "on_time_rate", "按期办结率"), (d, "satisfaction_rate", "满意率")):
        target = settings[f"target_{key}"]
        met = fmt.meets_target(k[key], target)
        col.metric(
            f"{label}（目标 ≥{target:g}%）",
            fmt.pct(k[key]),
            "达标" if met else "未达标",
            delta_color="normal" if met else "inverse",
            delta_arrow="off",
        )
    link("hotline", "查看 12345 热线 →")


def monitoring_summary() -> None:
    periods = queries.indicator_periods()
    if periods.is_empty():
        return
    period = periods["period"][0]
    p = queries.indicator_progress(period).filter(pl.col("county") == "全市")
    n = dict(p.group_by("status").len().iter_rows())
    a, b, c, _ = st.columns(4)
    a.metric(f"全市指标 {period} 已达标", fmt.count(n.get("已达标", 0), " 项"))
    b.metric("滞后", fmt.count(n.get("滞后", 0), " 项"))
    c.metric("未报送", fmt.count(n.get("未报送", 0), " 项"))


def concession_summary() -> None:
    periods = queries.concession_periods().filter(pl.col("annual"))
    if periods.is_empty():
        return
    period = periods["period"][0]
    r = queries.concession_results(period, ["年度考评"])
    st.subheader(f"燃气特许经营（{period} 年度考评）" + ("　演示数据" if r["is_demo"].any() else ""))
    a, b, c, _ = st.columns(4)
    a.metric("参评企业", fmt.count(r.height, " 家"))
    b.metric("不合格", fmt.count(r.filter(pl.col("verdict") == "不合格").height, " 家"))
    c.metric("一票否决", fmt.count(r.filter(pl.col("veto")).height, " 家"))
    link("concession", "查看燃气特许经营 →")
