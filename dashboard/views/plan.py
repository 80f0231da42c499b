"""规划指标: the plan's indicators, investment and projects, with the data-quality findings beside them."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, dq, filters, fmt, metrics, queries, shell
from dashboard.export import download_buttons, safe_filename


def plan_years(ind: pl.DataFrame) -> tuple[int | None, int | None]:
    """The plan's baseline and target years, as its indicators print them (2020 and 2025 for 2021–2025)."""
    if ind.is_empty():
        return None, None
    return ind["baseline_year"].drop_nulls().min(), ind["target_year"].drop_nulls().max()


def indicator_columns(ind: pl.DataFrame) -> dict[str, str]:
    base, target = plan_years(ind)
    return {
        **{c: metrics.label(c, "plan") for c in ("seq", "section", "name", "unit")},
        "baseline_text": f"{base or ''}年基期",
        "target_text": f"{target or ''}年目标",
        "binding": metrics.label("binding", "plan"),
    }


def whole_period(ind: pl.DataFrame) -> str:
    base, target = plan_years(ind)
    return f"{base + 1}—{target}年合计" if base and target else "规划期合计"


SOURCE_ORDER = ("合计", "财政衔接资金", "其他财政资金", "其他资金")  # the gazette's column order


def render() -> None:
    scope = shell.setup()
    if scope is None:
        return
    header = st.container()  # the title goes above the plan choice, but names the plan chosen
    plan = choose_plan()
    ind = queries.plan_indicators(plan)
    doc = ind["doc_no"][0] if ind.height else ""
    with header:
        shell.page_header(
            "规划指标",
            f"{ind['plan_name'][0]} · 来源：{doc}（公报 {ind['issue'][0]}）" if ind.height else "规划指标",
        )
    # monitoring actuals are county data: a department account sees the published plan only
    periods = queries.indicator_periods(plan=plan) if queries.allowed("indicator_periods") else pl.DataFrame()
    pages = {
        "主要指标（专栏1）": lambda: indicators(ind),
        "投资规模（专栏11–16）": lambda: investment(queries.plan_investment(plan), whole_period(ind)),
        "规划项目（专栏2–10）": lambda: projects(queries.plan_projects(plan)),
    }
    if periods.height:
        pages["监测进度（各县区实际值）"] = lambda: monitoring(periods, scope, ind, plan)
    shell.tabs(pages, key="plan_tab")


def choose_plan() -> str | None:
    """The plan to show: the latest unless the user picks another (a second plan loads beside the first)."""
    plans = queries.plans()
    if plans.height < 2:
        return None
    labels = {f"{r['plan_name']}（{r['doc_no']}）": r["doc_no"] for r in plans.iter_rows(named=True)}
    chosen = filters.selectbox(st, "plan_doc", list(labels))
    return labels[chosen]


def indicators(ind: pl.DataFrame) -> None:
    c1, c2, c3 = st.columns(3)
    c1.metric("主要指标", fmt.count(ind.height, " 项"))
    c2.metric("约束性指标", fmt.count(ind.filter(pl.col("binding") == "约束性").height, " 项"))
    c3.metric("预期性指标", fmt.count(ind.filter(pl.col("binding") == "预期性").height, " 项"))
    f1, f2 = st.columns(2)
    binding = filters.multiselect(f1, "plan_binding", ["约束性", "预期性"], placeholder="全部")
    sections = filters.multiselect(f2, "plan_section", ind["section"].unique(maintain_order=True).to_list(), placeholder="全部")
    shown = ind.filter(
        (pl.col("binding").is_in(binding) if binding else pl.lit(True)) & (pl.col("section").is_in(sections) if sections else pl.lit(True))
    )
    columns = indicator_columns(ind)
    table = shown.select(list(columns)).rename(columns)
    if table.is_empty():
        st.info("没有符合当前筛选条件的指标。")
    else:
        st.dataframe(table, hide_index=True, width="stretch", height="content")
    mixed = shown.filter(pl.col("unit_mixed"))
    for r in mixed.iter_rows(named=True):
        st.caption(
            f"注：指标 {r['seq']}“{r['name']}”的单位为“{r['unit']}”，基期 {r['baseline_text']} 与目标 {r['target_text']} 单位不同，按公报原文列示，不作换算。"
        )
    download_buttons(table, f"规划指标_{'-'.join(binding) or '全部'}", key="dl-indicators")
    _findings_for(["indicator_count"], "指标", "正文所述指标个数（约束性、预期性）与专栏1一致，未发现问题。")


def investment(inv: pl.DataFrame, all_years: str) -> None:
    if inv.is_empty():
        st.info("数据仓库中没有规划投资表。")
        return
    parts = inv.filter((pl.col("category") != "合计") & (pl.col("source") != "合计"))
    total = inv.filter(pl.col("year").is_null() & (pl.col("category") == "合计") & (pl.col("source") == "合计"))
    total_parts = parts.filter(pl.col("year").is_null())["amount_wan"].sum()
    c1, c2, c3 = st.columns(3)
    if total.height:
        c1.metric("规划总投资（公报印刷合计）", fmt.wan_yuan(total["amount_wan"][0]))
    c2.metric("分项之和（9 类 × 3 种资金来源）", fmt.wan_yuan(total_parts))
    if total.height:
        c3.metric("印刷合计与分项之差", fmt.wan_yuan(total["amount_wan"][0] - total_parts))

    yearly = parts.filter(pl.col("year").is_not_null()).group_by("year", "source").agg(pl.col("amount_wan").sum()).sort("year")
    st.plotly_chart(charts.investment_by_year(yearly), width="stretch", key="inv-year")

    periods = [all_years] + [str(y) for y in sorted(inv["year"].drop_nulls().unique().to_list())]
    period = filters.selectbox(st, "plan_period", periods)
    sel = inv.filter(pl.col("year").is_null()) if period == all_years else inv.filter(pl.col("year") == int(period))
    sel_parts = sel.filter((pl.col("category") != "合计") & (pl.col("source") != "合计"))
    st.plotly_chart(
        charts.category_by_source(sel_parts, f"{period if period == all_years else period + '年'}：各类别投资构成（亿元）"),
        width="stretch",
        key="inv-cat",
    )

    st.markdown(f"**公报原表（{period if period == all_years else period + '年'}，万元，含印刷合计）**")
    printed = (
        sel.pivot(on="source", index=["category_no", "category"], values="amount_wan", aggregate_function="first")
        .sort("category_no")
        .drop("category_no")
        .rename({"category": metrics.label("category", "plan")})
    )
    sources = [c for c in SOURCE_ORDER if c in printed.columns]
    printed = printed.select("项目分类", *sources, *(c for c in printed.columns if c not in ("项目分类", *sources)))
    st.dataframe(
        printed,
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.NumberColumn(c, format="%.2f") for c in printed.columns if c != "项目分类"},
    )
    download_buttons(printed, f"规划投资_{period}", key="dl-investment")
    _findings_for(
        [
            "investment_row_total",
            "investment_column_total",
            "investment_years_vs_total",
            "investment_text_vs_table",
            "investment_text_share",
        ],
        "投资表",
        "投资表的印刷合计、分项、分年度表与正文说明相互一致，未发现问题。",
    )


def projects(proj: pl.DataFrame) -> None:
    if proj.is_empty():
        st.info("数据仓库中没有规划项目。")
        return
    groups = proj.select("column_no", "group_name").unique(maintain_order=True)
    labels = {f"专栏{r['column_no']} {r['group_name']}": r["column_no"] for r in groups.iter_rows(named=True)}
    chosen = filters.multiselect(st, "plan_columns", list(labels), placeholder="全部专栏")
    shown = proj.filter(pl.col("column_no").is_in([labels[c] for c in chosen])) if chosen else proj
    table = shown.select(
        pl.format("专栏{}", "column_no").alias(metrics.label("column_no", "plan")),
        pl.col("group_name").alias(metrics.label("group_name")),
        pl.col("subgroup").alias(metrics.label("subgroup")),
        pl.col("item").alias(metrics.label("item")),
        pl.col("year").alias(metrics.label("year", "plan")),
        pl.col("count").alias(metrics.label("count")),
        pl.col("unit").alias(metrics.label("unit")),
        pl.col("scale_text").alias(metrics.label("scale_text")),
        pl.col("printed").alias(metrics.label("printed")),
    )
    counted = shown.filter(pl.col("year").is_null() & (pl.col("unit") == "个"))
    st.metric("规划项目数（“个”计，不含年度分解）", fmt.count(int(counted["count"].sum()), " 个"))
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, "规划项目", key="dl-projects")
    _findings_for(["project_yearly_vs_scale"], "项目", "专栏10 各年度计划之和与建设规模一致，未发现问题。")


def _findings_for(checks: list[str], what: str, all_clear: str) -> None:
    f = queries.findings(["plan"]).filter(pl.col("check_name").is_in(checks) | (pl.col("severity") == "unparsed"))
    if f.is_empty():
        st.success(f"数据质量：{all_clear}")
        return
    n = dict(f.group_by("severity").len().iter_rows())
    if n.get("material") or n.get("unparsed"):
        parts = [
            f"{n['material']} 处印刷合计与分项之和存在实质差异（公报原数保留，未作修改）" if n.get("material") else "",
            f"{n['unparsed']} 行无法解析" if n.get("unparsed") else "",
        ]
        st.warning(f"数据质量：{what}有" + "，".join(p for p in parts if p) + "。")
    else:
        st.info(f"数据质量：{what}有 {f.height} 处尾差（≤0.05 万元或比例末位），属四舍五入。")
    with st.expander(f"数据质量发现（{f.height} 条）", expanded=bool(n.get("material") or n.get("unparsed"))):
        shown = dq.display(dq.labelled(f), ["severity", "location", "printed", "computed", "difference", "message"])
        st.dataframe(shown, hide_index=True, width="stretch")


def status_rule(base_year: int | None, target_year: int | None) -> str:
    """How an indicator's status is judged (the plan page and the 简报 say it in the same words)."""
    return (
        f"已达标：达到 {target_year} 年目标；按进度：不低于从 {base_year} 年基期到 {target_year} 年目标的直线进度；"
        "滞后：低于直线进度；未报送：该期无数据。定性指标（应兜尽兜、应保尽保）按报送的 是/否 判断。"
    )


STATUS_COLORS = {"已达标": "#c8e6c9", "按进度": "#e3f2fd", "滞后": "#ffcdd2", "未报送": "#eeeeee"}


def monitoring(periods: pl.DataFrame, scope, ind: pl.DataFrame, plan: str | None) -> None:
    """County × indicator status for a period, and one indicator's trajectory; counties from the global filter."""
    # the periods ending within the chosen months; else the latest before them (as 总览 shows); else all of them
    within = periods.filter(pl.col("period_end").is_between(scope.month_from, scope.date_to))
    earlier = periods.filter(pl.col("period_end") < scope.month_from)
    period_list = (within if within.height else periods)["period"].to_list()
    index = 0 if within.height or earlier.is_empty() else period_list.index(earlier["period"][0])
    c1, _ = st.columns([1, 3])
    period = filters.selectbox(c1, "mon_period", period_list, index=index)
    if not within.height:
        st.caption(f"所选月份（{scope.month_from:%Y-%m} 至 {scope.month_to:%Y-%m}）内没有结束的监测期；默认显示此前最近的一期，可另选。")
    counties = list(scope.counties) + (["全市"] if scope.counties else [])
    p = queries.indicator_progress(period, counties, plan)
    base_year, target_year = plan_years(ind)
    st.caption(f"当前筛选：{'、'.join(counties) or '全部县区及全市'} · {period}。{status_rule(base_year, target_year)}")
    counts = p.group_by("status").len()
    cols = st.columns(4)
    for col, status in zip(cols, STATUS_COLORS, strict=True):
        col.metric(status, fmt.count(int(counts.filter(pl.col("status") == status)["len"].sum()), " 项"))
    matrix = p.with_columns(指标=pl.format("{} {}", "seq", "name")).pivot(
        on="county", index="指标", values="status", aggregate_function="first"
    )
    order = p.select("county", "sort_order").unique().sort("sort_order")["county"].to_list()
    matrix = matrix.select("指标", *[c for c in order if c in matrix.columns])
    st.dataframe(
        matrix.to_pandas().style.map(lambda v: f"background-color: {STATUS_COLORS.get(v, 'white')}"),
        hide_index=True,
        width="stretch",
        height=740,
    )
    table = p.select(
        pl.col("seq").alias(metrics.label("seq")),
        pl.col("name").alias(metrics.label("name")),
        pl.col("county").alias(metrics.label("county")),
        pl.col("period").alias(metrics.label("period")),
        pl.col("actual_text").alias(metrics.label("actual_text")),
        pl.col("expected").round(2).alias(metrics.label("expected")),
        pl.col("target_text").alias(f"{target_year}年目标"),
        pl.col("status").alias(metrics.label("status")),
    )
    download_buttons(table, safe_filename("规划指标监测", period, filters.county_tag(counties)), key="dl-monitoring")

    st.markdown("**单项指标走势**")
    ind = ind.filter(pl.col("target_value").is_not_null())
    labels = {f"{r['seq']} {r['name']}": r["seq"] for r in ind.iter_rows(named=True)}
    d1, d2 = st.columns([3, 1])
    chosen = filters.selectbox(d1, "mon_indicator", list(labels))
    county = filters.selectbox(d2, "mon_county", order, index=order.index("全市") if "全市" in order else 0)
    t = queries.indicator_trajectory(labels[chosen], county, plan)
    if t.filter(pl.col("actual").is_not_null()).is_empty():
        st.info("该县区未报送此指标。")
        return
    st.plotly_chart(
        charts.indicator_trajectory(t, f"{chosen}（{county}）：基期 → 实际 → {target_year} 目标"), width="stretch", key="mon-traj"
    )
    proj = t["projected"][0]
    if proj is not None:
        target = t["target_value"][0]
        verdict = "可望达标" if proj >= target else "按当前趋势难以达标"
        lo, hi = t["projected_lo80"][0], t["projected_hi80"][0]
        interval = (
            f"，80% 预测区间 {lo:.2f}–{hi:.2f}（依据 {t['projection_points'][0]} 个报送期）"
            if lo is not None
            else "（报送期不足 3 个，无区间）"
        )
        st.caption(f"按已报送数据的线性趋势推算，{target_year} 年末约为 {proj:.2f}{interval}（目标 {target:g}），{verdict}。")
