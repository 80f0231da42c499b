"""燃气特许经营: assessment results against the 100-point rubric (pass mark from concession_setting, veto items), per enterprise."""

from __future__ import annotations

import plotly.express as px
import polars as pl
import streamlit as st

from dashboard import auth, charts, filters, fmt, metrics, queries, shell
from dashboard.export import download_buttons, safe_filename
from dashboard.filters import county_tag
from dashboard.templates import concession_template_xlsx

VERDICT_COLORS = {"合格": "#2e7d32", "不合格": "#e67e22", "否决(收回特许经营权)": "#c0392b", "不完整": "#9e9e9e"}


def rule_line(rules: dict) -> str:
    return (
        f"管道燃气特许经营考核：百分制（满分 {rules['full_marks']:g}），{rules['pass_mark']:g} 分及以上为合格，"
        "触发“一票否决”收回特许经营权（曲政办规〔2022〕7号）"
    )


def render() -> None:
    scope = shell.setup()
    if scope is None:
        return
    counties = list(scope.counties)
    shell.page_header(
        "燃气特许经营",
        rule_line(queries.concession_settings()),
        f"{'、'.join(counties) or '全市'} · {scope.years}",
    )
    periods = queries.concession_periods()
    if periods.is_empty():
        st.info("数据仓库中还没有燃气特许经营评分表。可先下载下方模板，填写后放入收件箱。")
        template_download()
        return
    c1, c2, _ = st.columns([2, 2, 3])
    period_list = periods["period"].to_list()
    in_scope = [p for p in period_list if scope.month_from.year <= int(p[:4]) <= scope.month_to.year] or period_list
    annual = [p for p in in_scope if "Q" not in p]
    period = filters.selectbox(c1, "gas_period", in_scope, index=in_scope.index(annual[0]) if annual else 0)
    types = filters.multiselect(c2, "gas_types", ["年度考评", "自评", "第三方评估", "复核"], placeholder="全部类型")
    st.caption(f"考核期间按左侧月份范围的年份列出（{scope.years}）。")
    results = queries.concession_results(period, types, counties)
    if results.is_empty():
        st.info("当前筛选条件下没有评分结果。")
        template_download()
        return
    if results["is_demo"].any():
        st.warning("演示数据：燃气企业及其评分为虚构数据，仅用于展示。", icon="⚠️")
    alerts(results)
    rejected(scope)
    m = st.columns(5)
    m[0].metric("评分表", fmt.count(results.height, " 张"))
    for col, verdict in zip(m[1:], VERDICT_COLORS, strict=True):
        col.metric(verdict, fmt.count(results.filter(pl.col("verdict") == verdict).height, " 家"))

    shell.tabs(
        {
            "得分排名": lambda: ranking(results, period, counties),
            "分项热力图": lambda: heatmap(period, types, counties),
            "企业趋势": lambda: trend(results, counties),
            "自评与考评差异": lambda: gap(period, counties),
            "评分细则与模板": lambda: (rubric(), template_download()),
        },
        key="gas_tab",
    )


def alerts(results: pl.DataFrame) -> None:
    rules = dict(queries.concession_veto_rules().iter_rows())
    for r in results.filter(pl.col("veto")).iter_rows(named=True):
        items = "；".join(f"第{n}项：{rules.get(int(n), '')}" for n in r["veto_nos"].split("、") if n)
        st.error(
            f"一票否决：{r['enterprise']}（{r['county']}，{r['period']} {r['assessment_type']}）触发 {items} —— 应依法终止协议、收回特许经营权。",
            icon="🚫",
        )
    for r in results.filter(pl.col("verdict") == "不合格").iter_rows(named=True):
        text = f"不合格：{r['enterprise']}（{r['county']}）{r['period']} {r['assessment_type']} 得分 {r['total_score']:g}"
        if r["rectify_status"] == "已逾期":
            st.error(f"{text}，整改期限 {r['rectify_by']:%Y-%m-%d} 已逾期（第二十四条）。", icon="⏰")
        elif r["rectify_by"]:
            st.warning(f"{text}，须于 {r['rectify_by']:%Y-%m-%d} 前完成整改（{r['rectify_status']}，第二十四条）。")
        else:
            st.warning(f"{text}（第二十四条）。")


def rejected(scope) -> None:
    """Sheets the ETL refused, with the reason: a leader must know a sheet is missing, not read its absence as a
    result. The rows carry no county, so only city-wide accounts see them."""
    user = auth.current_user()
    if user is not None and user.role not in ("管理员", "市级领导"):
        return
    rejects = queries.concession_rejects()
    if rejects.is_empty():
        return
    files = rejects["source_file"].n_unique()
    st.warning(f"有 {rejects.height} 处被拒收（{files} 个文件）：被拒收的评分表不计入结论，请按原因更正后重新报送。", icon="📄")
    with st.expander("查看被拒收的评分表及原因"):
        table = metrics.labelled(rejects, "status")
        st.dataframe(table, hide_index=True, width="stretch")
        download_buttons(table, safe_filename("燃气特许经营_拒收记录", *scope.file_tag()), key="dl-gas-rejects")


def ranking(results: pl.DataFrame, period: str, counties: list[str]) -> None:
    d = results.with_columns(label=pl.format("{}（{}）", "enterprise", "assessment_type")).sort("total_score")
    fig = px.bar(
        d.to_pandas(),
        x="total_score",
        y="label",
        orientation="h",
        color="verdict",
        color_discrete_map=VERDICT_COLORS,
        text="total_score",
        labels={"total_score": metrics.metric("total_score").label, "label": "", "verdict": metrics.label("verdict", "concession")},
    )
    rules = queries.concession_settings()
    fig.add_vline(x=rules["pass_mark"], line_dash="dash", line_color="#c0392b", annotation_text=f"合格线 {rules['pass_mark']:g} 分")
    fig.update_xaxes(range=[0, rules["full_marks"]], title=f"{metrics.metric('total_score').label}（满分 {rules['full_marks']:g}）")
    st.plotly_chart(charts._style(fig, f"{period} 各企业得分"), width="stretch", key="gas-rank")
    table = metrics.table(
        results.with_columns(pl.col("rectify_by").dt.strftime("%Y-%m-%d").fill_null(""), pl.col("rectify_status").fill_null("")),
        # in rank order with the score and verdict in the first columns (in view on a phone)
        [
            "rank",
            "enterprise",
            "total_score",
            "verdict",
            "assessment_type",
            "county",
            "items_scored",
            "veto_nos",
            "rectify_by",
            "rectify_status",
        ],
        domain="concession",
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, safe_filename("燃气特许经营_得分", county_tag(counties), period), key="dl-gas-rank")


def heatmap(period: str, types, counties) -> None:
    s = queries.concession_item_scores(period, types, counties)
    if s.is_empty():
        st.info("没有分项得分。")
        return
    s = s.with_columns(row=pl.format("{}（{}）", "enterprise", "assessment_type"), col=pl.format("{} {}", "item_code", "item_name"))
    order = s["col"].unique(maintain_order=True).to_list()
    wide = s.pivot(on="col", index="row", values="pct_of_max").select("row", *order)
    fig = px.imshow(
        wide.drop("row").to_numpy(),
        x=order,
        y=wide["row"].to_list(),
        color_continuous_scale="RdYlGn",
        zmin=0,
        zmax=100,
        aspect="auto",
        labels={"color": metrics.label("pct_of_max", "concession")},
    )
    fig.update_xaxes(tickangle=-60)
    fig.update_layout(height=max(420, 36 * wide.height + 260))
    st.plotly_chart(charts._style(fig, "分项得分率（得分 ÷ 该项满分，%）"), width="stretch", key="gas-heat")
    table = metrics.table(
        s.with_columns(pl.col("pct_of_max").round(1)),
        ["enterprise", "assessment_type", "item_code", "item_name", "score", "max_points", "pct_of_max"],
        domain="concession",
    )
    download_buttons(table, safe_filename("燃气特许经营_分项得分", county_tag(counties), period), key="dl-gas-items")


def trend(results: pl.DataFrame, counties: list[str]) -> None:
    enterprise = filters.selectbox(st, "gas_enterprise", sorted(results["enterprise"].unique().to_list()))
    t = queries.concession_trend(enterprise, counties)
    fig = px.line(
        t.to_pandas(),
        x="period",
        y="total_score",
        color="assessment_type",
        markers=True,
        labels={c: metrics.label(c, "concession") for c in ("period", "total_score", "assessment_type")},
    )
    pass_mark = queries.concession_settings()["pass_mark"]
    fig.add_hline(y=pass_mark, line_dash="dash", line_color="#c0392b", annotation_text=f"合格线 {pass_mark:g} 分")
    fig.update_xaxes(type="category")
    st.plotly_chart(charts._style(fig, f"{enterprise}：历次得分"), width="stretch", key="gas-trend")
    table = t.select(
        pl.col("period").alias(metrics.label("period", "concession")),
        pl.col("assessment_type").alias(metrics.label("assessment_type")),
        pl.col("total_score").alias(metrics.label("total_score")),
        pl.col("verdict").alias(metrics.label("verdict")),
    )
    download_buttons(table, safe_filename("燃气特许经营_趋势", county_tag(counties), enterprise), key="dl-gas-trend")


def gap(period: str, counties: list[str]) -> None:
    year = int(period[:4])
    g = queries.concession_gap(year, counties)
    if g.is_empty():
        st.info(f"{year} 年没有可对比的季度自评与年度考评。")
        return
    st.caption(f"{year} 年：季度自评的平均分 − 年度考评得分。正数表示自评偏高。")
    by_ent = (
        g.group_by("enterprise")
        .agg(自评=pl.col("self_score").sum(), 考评=pl.col("official_score").sum())
        .with_columns(差异=(pl.col("自评") - pl.col("考评")).round(2))
        .sort("差异", descending=True)
        .rename({"enterprise": metrics.label("enterprise", "concession")})
    )
    st.plotly_chart(
        charts.bar_counts(
            by_ent.select("企业", "差异"), "企业", "差异", f"{year} 年自评与考评{metrics.metric('total_score').label}差异（分）"
        ),
        width="stretch",
        key="gas-gap",
    )
    table = g.select(
        pl.col("enterprise").alias(metrics.label("enterprise")),
        pl.col("item_code").alias(metrics.label("item_code")),
        pl.col("item_name").alias(metrics.label("item_name")),
        pl.col("max_points").alias(metrics.label("max_points")),
        pl.col("self_score").round(2).alias(metrics.label("self_score")),
        pl.col("official_score").alias(metrics.label("official_score")),
        pl.col("gap").round(2).alias(metrics.label("gap")),
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, safe_filename("燃气特许经营_自评与考评", county_tag(counties), str(year)), key="dl-gas-gap")


def rubric() -> None:
    r = queries.concession_rubric()
    st.caption("考核指标及评分细则（曲政办规〔2022〕7号 附件）。公报表格有单元格缺失，推定的分值已标注。")
    st.dataframe(
        r.select(
            pl.col("item_code").alias(metrics.label("item_code")),
            pl.col("group_name").alias(metrics.label("group_name", "concession")),
            pl.col("item_name").alias(metrics.label("item_name")),
            pl.col("max_points").alias(metrics.label("max_points")),
            pl.col("inferred").alias(metrics.label("inferred")),
            pl.col("note").alias(metrics.label("note")),
            pl.col("method").alias(metrics.label("method")),
        ),
        hide_index=True,
        width="stretch",
    )
    st.dataframe(metrics.labelled(queries.concession_veto_rules(), "concession"), hide_index=True, width="stretch")


def template_download() -> None:
    data = concession_template_xlsx(queries.concession_rubric(), queries.concession_veto_rules())
    st.download_button(
        "下载评分表模板（Excel）",
        data,
        file_name="燃气特许经营评分表模板.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="dl-gas-template",
    )
