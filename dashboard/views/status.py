"""数据状态: ETL runs, table row counts, data freshness and every data-quality finding."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import dq, filters, metrics, queries, shell
from dashboard.export import download_buttons
from warehouse.paths import db_path, lake_path
from warehouse.runlog import read_brief_log, schedule_summary


def render() -> None:
    if shell.setup() is None:
        return
    shell.page_header("数据状态", "ETL 运行记录、各表行数、数据新鲜度与数据质量发现")
    info = queries.warehouse_info()
    runs = queries.run_log()
    publishes = runs.filter(pl.col("source") == "publish")
    c1, c2, c3 = st.columns(3)
    c1.metric("当前数据仓库生成时间", info.get("built_at", "—").replace("T", " "))
    last = queries.last_run(runs)
    if last is not None:
        c2.metric(
            "最近一次 ETL",
            queries.RUN_STATUS_ZH.get(last["status"], last["status"]),
            f"{last['started_at']:%Y-%m-%d %H:%M}",
            delta_color="off",
            delta_arrow="off",
        )
        if last["status"] in ("failed", "killed"):
            what = "失败" if last["status"] == "failed" else "被中断"
            st.error(f"最近一次 ETL {what}：{last['message']}。应用仍在使用上一版数据仓库（{info.get('built_at', '—')}）。")
    c3.metric("运行次数", f"{publishes.height} 次")

    st.subheader("计划任务")
    try:
        summary = schedule_summary(lake_path(db_path()), runs)
        st.dataframe(pl.DataFrame({"项目": list(summary), "内容": list(summary.values())}), hide_index=True, width="stretch")
    except ValueError as e:
        st.error(f"计划任务配置有误：{e}")

    brief_section()

    st.subheader("运行记录")
    table = runs.select(
        pl.col("run_id").alias(metrics.label("run_id")),
        pl.col("started_at").alias(metrics.label("started_at")),
        pl.col("finished_at").alias(metrics.label("finished_at")),
        pl.col("status").replace(queries.RUN_STATUS_ZH).alias(metrics.label("status")),
        pl.col("source").replace({"publish": "（整次运行）"}).alias(metrics.label("source")),
        pl.col("rows_in").alias(metrics.label("rows_in")),
        pl.col("rows_loaded").alias(metrics.label("rows_loaded")),
        pl.col("rows_rejected").alias(metrics.label("rows_rejected")),
        pl.col("message").alias(metrics.label("message")),
    ).head(200)
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, "ETL运行记录", key="dl-runs")

    freshness_section()
    st.subheader("各表行数")
    st.dataframe(metrics.labelled(queries.table_counts(), "status"), hide_index=True, width="stretch")

    calendar_section()

    st.subheader("数据质量发现")
    findings = dq.labelled(queries.findings())
    severities = filters.multiselect(st, "status_severity", list(dq.SEVERITY_ZH.values()), placeholder="全部级别")
    domains = sorted(findings["domain"].unique().to_list())
    chosen_domains = filters.multiselect(st, "status_domains", domains, placeholder="全部领域")
    shown = findings.filter(
        (pl.col("severity").is_in(severities) if severities else pl.lit(True))
        & (pl.col("domain").is_in(chosen_domains) if chosen_domains else pl.lit(True))
    )
    counts = shown.group_by("severity").len().sort("severity")
    st.caption("；".join(f"{r['severity']} {r['len']} 条" for r in counts.iter_rows(named=True)) or "没有数据质量发现。")
    table = dq.display(shown)
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, "数据质量发现", key="dl-findings")

    audit_section()

    st.subheader("拒收记录（12345 工单、燃气评分表、规划指标监测）")
    rejects = queries.rejects()
    if rejects.is_empty():
        st.caption("没有被拒收的行或文件。")
        return
    st.caption(
        f"{rejects['source_file'].n_unique()} 个文件中共 {rejects.height} 条拒收记录；行号为文件中的行（表头为第 1 行），行号为空表示整个文件被拒收。"
    )
    table = metrics.labelled(rejects, "status")
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, "拒收记录", key="dl-rejects")


BRIEF_STATUS_ZH = {"success": "成功", "failed": "失败"}
BRIEF_TRIGGER_ZH = {"schedule": "计划任务", "cli": "命令行"}


def brief_section() -> None:
    """月度简报: every attempt (scheduled or from the command line); the newest attempt of a scope that failed is an
    error at the top, since nobody reads a log for a briefing that never came."""
    st.subheader("月度简报")
    found = read_brief_log(lake_path(db_path()))
    if found.is_empty():
        st.caption("尚未生成过月度简报（python -m etl brief，或计划任务在每月第一个工作日生成）。")
        return
    latest = found.unique(["month", "scope"], keep="first", maintain_order=True)
    for r in latest.filter(pl.col("status") == "failed").iter_rows(named=True):
        st.error(f"{r['month']} {r['scope']} 的月度简报生成失败（{r['at'].replace('T', ' ')}）：{r['message']}", icon=":material/error:")
    table = metrics.labelled(
        found.head(200).with_columns(
            pl.col("at").str.replace("T", " "),
            pl.col("trigger").replace(BRIEF_TRIGGER_ZH),
            pl.col("status").replace(BRIEF_STATUS_ZH),
        ),
        "brief",
    )
    st.dataframe(table, hide_index=True, width="stretch")


def freshness_section() -> None:
    """Every domain's newest data against the run's time; a warning where it is older than expected."""
    st.subheader("数据新鲜度")
    f = queries.freshness()
    run_at = queries.warehouse_info().get("run_at", "—").replace("T", " ")
    for r in f.filter(pl.col("stale")).iter_rows(named=True):
        if r["latest_date"] is None:
            st.warning(f"{r['label']}：还没有数据。", icon="🕒")
        else:
            st.warning(
                f"{r['label']}：最新数据为 {r['latest_date']:%Y-%m-%d}，距本次运行（{run_at}）已 {r['age_days']} 天，"
                f"超过预期更新周期 {r['max_age_days']} 天，请检查是否按时报送或导入。",
                icon="🕒",
            )
    st.caption(f"以本次 ETL 运行时刻（{run_at}）计算；预期更新周期见 warehouse/reference/freshness_rules.csv，可由管理员调整。")
    table = f.with_columns(
        pl.col("latest_date").dt.strftime("%Y-%m-%d").fill_null("—"),
        pl.when(pl.col("stale")).then(pl.lit("超期")).otherwise(pl.lit("正常")).alias("stale"),
    )
    st.dataframe(metrics.labelled(table, "status"), hide_index=True, width="stretch")


CALENDAR_SOURCE_ZH = {
    "chinesecalendar": "官方安排（chinesecalendar）",
    "override": "覆盖文件（holidays_override.csv）",
    "weekends_only": "临时：仅周末休息",
}


def calendar_section() -> None:
    st.subheader("工作日历")
    years = queries.calendar_years()
    for note in years.filter(pl.col("is_provisional"))["note"].drop_nulls().to_list():
        st.warning(note, icon="📅")
    st.dataframe(
        years.select(
            pl.col("year").alias(metrics.label("year")),
            pl.col("calendar_source").replace(CALENDAR_SOURCE_ZH).alias(metrics.label("calendar_source")),
            pl.col("holidays").alias(metrics.label("holidays")),
            pl.col("working_weekends").alias(metrics.label("working_weekends")),
        ),
        hide_index=True,
        width="stretch",
    )


def audit_section() -> None:
    from dashboard import audit

    st.subheader("审计记录（登录、登录失败与锁定、退出、下载）")
    log = audit.recent()
    if log.is_empty():
        st.caption("还没有审计记录。")
        return
    table = metrics.labelled(log.with_columns(pl.col("event").replace(audit.EVENT_ZH)), "status")
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, "审计记录", key="dl-audit")
