"""预警中心: the warnings computed at publish (warehouse model alert, rules in warehouse/reference/alert_rules.csv), in
the global filter and the user's scope; a click on one shows the rows behind it (tickets, with their drill-through)
and opens the page that holds them. Also the strip of warnings on 总览 and 区县画像."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import filters, metrics, queries, shell
from dashboard.export import download_buttons, safe_filename
from dashboard.filters import HotlineFilter, Scope
from dashboard.nav import PAGES, link
from dashboard.views import hot, ticket

SEVERITIES = ("严重", "关注", "提示")
# Material icons from Streamlit's own font: an emoji is a box where the system has no emoji font
SEVERITY_ICON = {"严重": ":material/error:", "关注": ":material/warning:", "提示": ":material/info:"}
TICKET_KINDS = ("due_soon", "overdue_open")  # warnings whose rows are tickets listed here
COLUMNS = [
    "severity",
    "is_new",
    "message",
    "label",
    "period",
    "county",
    "department",
    "enterprise",
    "indicator",
    "topic",
    "figure",
    "threshold",
    "unit",
]


def render() -> None:
    scope = shell.setup()
    if scope is None:
        return
    shell.page_header(
        "预警中心",
        "需要处理的事项：每次数据发布时按预警规则（附件3 目标与时限、激增、重复诉求、规划滞后、燃气考核、数据更新）计算",
        scope.describe(),
    )
    found = queries.alerts(scope)
    counts(found)
    if found.is_empty():
        st.success("当前筛选范围内没有预警。")
        rules()
        return
    c1, c2 = st.columns(2)
    levels = filters.multiselect(c1, "al_severity", list(SEVERITIES), placeholder="全部级别")
    kinds = filters.multiselect(c2, "al_kinds", found["label"].unique(maintain_order=True).to_list(), placeholder="全部类型")
    shown = found.filter(
        (pl.col("severity").is_in(levels) if levels else pl.lit(True)) & (pl.col("label").is_in(kinds) if kinds else pl.lit(True))
    )
    table = metrics.table(
        shown.with_columns(
            pl.when(pl.col("is_new")).then(pl.lit("新增")).otherwise(pl.lit("")).alias("is_new"),
            *(_number(c) for c in ("figure", "threshold")),
            pl.col("county", "department", "enterprise", "indicator", "topic", "period", "unit").fill_null(""),
        ),
        COLUMNS,
        domain="alerts",
    )
    st.caption("“新增”为上次数据发布时还没有的预警。点击一行查看相关记录。")
    event = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="al-list")
    download_buttons(table, safe_filename("预警", *scope.file_tag()), key="dl-alerts")
    rows = event.selection.rows if event is not None else []
    if rows:
        behind(shown.row(rows[0], named=True), scope)
    st.subheader("上升的热点诉求")
    hot.problems(scope, "al_hot", rising_only=True)
    rules()


def _number(column: str) -> pl.Expr:
    """A figure as text: whole numbers without decimals, others to one; — where the rule has none."""
    v = pl.col(column)
    return pl.when(v == v.round(0)).then(v.cast(pl.Int64).cast(pl.Utf8)).otherwise(v.round(1).cast(pl.Utf8)).fill_null("—").alias(column)


def counts(found: pl.DataFrame) -> None:
    cols = st.columns(4)
    for col, level in zip(cols, SEVERITIES, strict=False):
        col.metric(level, f"{found.filter(pl.col('severity') == level).height} 条", icon=SEVERITY_ICON[level])
    cols[3].metric("新增", f"{found.filter(pl.col('is_new')).height} 条", help="上次数据发布时还没有的预警")


def behind(alert: dict, scope: Scope) -> None:
    """The rows behind one warning: its tickets here (a click opens one), and a link to the page that holds them."""
    with st.container(border=True):
        st.markdown(f"**{alert['label']}** · {alert['message']}")
        if alert["kind"] in TICKET_KINDS and alert["department"]:
            tickets = queries.alert_tickets(
                alert["kind"], alert["department"], alert["county"], alert["threshold"] or 0, scope, ticket.SHOWN_ROWS
            )
            ticket.listing(
                tickets, safe_filename("预警工单", alert["label"], alert["department"]), "al-tickets", HotlineFilter.within(scope)
            )
        page = alert["page"]
        if page in PAGES and st.button(f"在“{PAGES[page][1]}”页查看相关记录 →", key="al-follow"):
            filters.follow(PAGES[page][0], alert["link"] or "", scope)


def rules() -> None:
    with st.expander("预警规则（warehouse/reference/alert_rules.csv，可由管理员调整）"):
        st.dataframe(metrics.labelled(queries.alert_rules(), "alerts"), hide_index=True, width="stretch")


def strip(scope: Scope, limit: int = 3) -> None:
    """总览 and 区县画像: the count of warnings by level, the most severe few, and a link to 预警中心."""
    if not queries.allowed("alerts"):
        return
    found = queries.alerts(scope)
    st.subheader("预警")
    if found.is_empty():
        st.success("当前筛选范围内没有预警。")
        return
    by_level = " · ".join(f"{SEVERITY_ICON[s]} {s} {found.filter(pl.col('severity') == s).height} 条" for s in SEVERITIES)
    new = found.filter(pl.col("is_new")).height
    lines = [by_level + (f" · 新增 {new} 条" if new else "")]
    lines += [
        f"- {SEVERITY_ICON[r['severity']]} **{r['label']}**：{r['message']}" + ("（新增）" if r["is_new"] else "")
        for r in found.head(limit).iter_rows(named=True)
    ]
    st.markdown("\n".join(lines))
    link("alerts", f"查看全部 {found.height} 条预警 →")
