"""12345热线: volume, the 附件3 target rates, counties, departments, timeliness, repeat demand, overdue tickets."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, fmt, maps, queries, shell
from dashboard.export import download_buttons, safe_filename
from dashboard.filters import PAGE_FILTERS, HotlineFilter, category_channel_bar

RATE_LABELS = {"close_rate": "办结率", "on_time_rate": "按期办结率", "satisfaction_rate": "满意率"}
TARGET_KEYS = {"close_rate": "target_close_rate", "on_time_rate": "target_on_time_rate", "satisfaction_rate": "target_satisfaction_rate"}
KPI_COLUMNS = {
    "volume": "工单量",
    "direct_rate": "当场答复率(%)",
    "sign_rate": "签收及时率(%)",
    "close_rate": "办结率(%)",
    "on_time_rate": "按期办结率(%)",
    "satisfaction_rate": "满意率(%)",
    "visit_rate": "回访率(%)",
    "overdue_open": "逾期未办结",
    "late_closed": "逾期办结",
    "mean_workdays": "平均办结用时(工作日)",
    "repeat_rate": "重复诉求占比(%)",
}
MAP_METRICS = {
    "工单量": ("volume", "{:,.0f}", True),
    "按期办结率(%)": ("on_time_rate", "{:.1f}%", True),
    "满意率(%)": ("satisfaction_rate", "{:.1f}%", True),
    "逾期未办结": ("overdue_open", "{:,.0f}", False),
    "重复诉求占比(%)": ("repeat_rate", "{:.1f}%", False),
    "平均办结用时(工作日)": ("mean_workdays", "{:.2f}", False),
}


def provisional_notice(k: dict) -> None:
    """Tickets whose deadline falls in a year without an official holiday schedule: say so, and what to do."""
    if not k.get("provisional"):
        return
    years = queries.calendar_years().filter(pl.col("is_provisional"))
    st.warning(
        f"所选范围内有 {k['provisional']:,} 件工单的受理或办理期限落在尚未录入法定节假日安排的年份"
        f"（{'、'.join(str(y) for y in years['year'])} 年），其办理时限、按期与否暂按“仅周末休息”计算，为临时结果。\n\n"
        + "\n\n".join(years["note"].drop_nulls().to_list()),
        icon="📅",
    )


def render() -> None:
    scope = shell.setup()
    if scope is None:
        return
    options = queries.hotline_options()
    header = st.container()  # the title goes above the page's own filters, but says what they chose
    categories, channels = category_channel_bar(options) if options.height else ([], [])
    f = HotlineFilter.within(scope, categories, channels)
    with header:
        shell.page_header(
            "12345热线", "工单量、时限与满意度；时限按国家法定工作日历计算（曲政办发〔2022〕68号 工作方案及附件3）", f.describe()
        )
    if options.filter(pl.col("kind") == "month").is_empty():
        st.info("数据仓库中还没有 12345 工单。把工单导出文件放入收件箱并运行 ETL 后即可查看。")
        return
    info = queries.warehouse_info()
    st.caption(f"数据截至 {info.get('hotline_as_of', '—')}（逾期按此时点判断）")
    total = queries.hotline_kpis(f)
    if total.is_empty() or not total["volume"][0]:
        st.info("当前筛选条件下没有工单，请放宽左侧的月份、区县、承办单位，或本页的类型、渠道。")
        return
    k = total.row(0, named=True)
    if k["has_demo"]:
        st.warning("演示数据：以下 12345 工单为系统生成的虚构数据（文件名含“演示”），仅用于展示功能，不代表真实情况。", icon="⚠️")
    provisional_notice(k)
    settings = queries.hotline_settings()
    kpi_cards(k, settings)

    tabs = st.tabs(["月度趋势", "区县", "承办单位", "类型与渠道", "办理时长", "重复诉求", "逾期未办结", "归并热线清单"])
    with tabs[0]:
        trend(f, settings)
    with tabs[1]:
        by_county(f)
    with tabs[2]:
        by_department(f)
    with tabs[3]:
        by_category_channel(f)
    with tabs[4]:
        close_time(f)
    with tabs[5]:
        repeat_demand(f)
    with tabs[6]:
        overdue(f)
    with tabs[7]:
        registry()


def kpi_cards(k: dict, settings: dict) -> None:
    cols = st.columns(3)
    for col, key in zip(cols, RATE_LABELS, strict=True):
        target = settings[TARGET_KEYS[key]]
        value = k[key]
        met = fmt.meets_target(value, target)
        col.metric(f"{RATE_LABELS[key]}（目标 ≥{target:g}%）", fmt.pct(value), border=True)
        col.badge("达标" if met else "未达标", color="green" if met else "red", icon=":material/check:" if met else ":material/close:")
    c = st.columns(5)
    c[0].metric("工单量", fmt.count(k["volume"], " 件"))
    c[1].metric("当场答复率", fmt.pct(k["direct_rate"]))
    c[2].metric("签收及时率", fmt.pct(k["sign_rate"]), help=f"派单后 {settings['sign_window_hours']:g} 小时内签收")
    c[3].metric("逾期未办结", fmt.count(k["overdue_open"], " 件"), help="截至数据时点已超过最长时限仍未办结")
    c[4].metric(
        "平均办结用时（工作日）", "—" if k["mean_workdays"] is None else f"{k['mean_workdays']:.2f}", help="派单件从受理到办结的工作日数"
    )


def _kpi_table(df: pl.DataFrame, dim_label: str) -> pl.DataFrame:
    return df.select(
        pl.col("dim").alias(dim_label),
        *(
            pl.col(c).round(2).alias(label) if c.endswith("rate") or c == "mean_workdays" else pl.col(c).alias(label)
            for c, label in KPI_COLUMNS.items()
        ),
    )


def trend(f, settings) -> None:
    m = queries.hotline_kpis(f, "month")
    st.plotly_chart(
        charts.monthly_volume(m.select(pl.col("dim").alias("月份"), pl.col("volume").alias("工单量"))), width="stretch", key="hl-vol"
    )
    rates = m.select(pl.col("dim").alias("月份"), *(pl.col(c).alias(label) for c, label in RATE_LABELS.items())).unpivot(
        index="月份", variable_name="指标", value_name="百分比"
    )
    targets = {RATE_LABELS[c]: settings[TARGET_KEYS[c]] for c in ("on_time_rate", "satisfaction_rate")}
    st.plotly_chart(charts.monthly_rates(rates, targets), width="stretch", key="hl-rates")
    table = _kpi_table(m, "月份")
    download_buttons(table, safe_filename("12345热线_月度", *f.file_tag()), key="dl-hl-month")


def by_county(f) -> None:
    df = queries.hotline_kpis(f, "county").filter(pl.col("dim").is_not_null())
    label = st.selectbox(PAGE_FILTERS["hl_map_metric"], list(MAP_METRICS), key="hl_map_metric")
    col, fmt_s, higher_better = MAP_METRICS[label]
    values = df.select(pl.col("dim").alias("county"), pl.col(col).alias("value"))
    left, right = st.columns([3, 2])
    with left:
        st.pydeck_chart(maps.county_map(values, label, fmt_s, higher_better), height=480, key="hl-map")
        st.caption(maps.legend(values, label, fmt_s) + " 曲靖经开区无单独边界（含于麒麟区范围），见右侧排名。")
    with right:
        ranked = values.sort("value", descending=higher_better, nulls_last=True)
        st.plotly_chart(
            charts.bar_counts(
                ranked.select(pl.col("county").alias("县区"), pl.col("value").round(2).alias(label)),
                "县区",
                label,
                f"各县（市、区）{label}",
            ),
            width="stretch",
            key="hl-county-bar",
        )
    table = _kpi_table(df, "区县")
    links = table.with_columns(
        画像=pl.format("/county?county={}&from={}&to={}", "区县", pl.lit(f"{f.month_from:%Y-%m}"), pl.lit(f"{f.month_to:%Y-%m}"))
    ).select("画像", *table.columns)
    st.dataframe(
        links,
        hide_index=True,
        width="stretch",
        column_config={"画像": st.column_config.LinkColumn("区县画像", display_text="打开画像 ↗", help="在新标签页打开该县区的画像")},
    )
    download_buttons(table, safe_filename("12345热线_区县", *f.file_tag()), key="dl-hl-county")


def by_department(f) -> None:
    year = f.month_to.year
    df = queries.hotline_kpis(f, "department").filter(pl.col("dim").is_not_null())
    table = _kpi_table(df, "承办单位")
    if queries.allowed("hotline_dept_score"):
        score = queries.hotline_dept_score(year).select(
            pl.col("department").alias("承办单位"), pl.col("score").alias("考核得分"), pl.col("full_quarters").alias("全部如期办结季度数")
        )
        table = table.join(score, on="承办单位", how="left").sort("考核得分", nulls_last=True)
        st.caption(
            f"考核得分为 {year} 年全年数据派生部分（附件3）：100 − 0.5×逾期办结 − 1×逾期未办结 + 5×全部如期办结的季度数，最低 0 分；"
            "按受理时间计入年度和季度，不受月份筛选影响。点击列名可排序。"
        )
    else:
        st.caption("承办单位的办理情况仅含本县（市、区）工单。附件3 考核得分按全市工单计算，县级账号不显示。")
    st.dataframe(table, hide_index=True, width="stretch", height=520)
    download_buttons(table, safe_filename("12345热线_承办单位", *f.file_tag()), key="dl-hl-dept")


def by_category_channel(f) -> None:
    left, right = st.columns(2)
    for col, by, label in ((left, "category", "诉求类型"), (right, "channel", "受理渠道")):
        df = queries.hotline_kpis(f, by).filter(pl.col("dim").is_not_null())
        with col:
            st.plotly_chart(
                charts.bar_counts(
                    df.select(pl.col("dim").alias(label), pl.col("volume").alias("工单量")), label, "工单量", f"按{label}的工单量（件）"
                ),
                width="stretch",
                key=f"hl-{by}",
            )
            table = _kpi_table(df, label)
            st.dataframe(table, hide_index=True, width="stretch")
            download_buttons(table, safe_filename(f"12345热线_{label}", *f.file_tag()), key=f"dl-hl-{by}")


def close_time(f) -> None:
    df = queries.hotline_close_days(f)
    if df.is_empty():
        st.info("当前筛选条件下没有已办结的派单工单。")
        return
    st.caption(
        "派单件从受理到办结的工作日数（受理当日不计）。橙色点线为一般时限，红色虚线为最长时限（投诉、举报按无延期计；经同意延期的每次另加 10 个工作日）。"
    )
    rules = {r["category"]: r for r in queries.hotline_rules().iter_rows(named=True)}
    cats = df["category"].unique().sort().to_list()
    cols = st.columns(2)
    for i, cat in enumerate(cats):
        part = df.filter(pl.col("category") == cat)
        r = rules.get(cat, {})
        cols[i % 2].plotly_chart(
            charts.close_days(part, cat, r.get("standard_days"), r.get("max_days")), width="stretch", key=f"hl-days-{cat}"
        )
    summary = (
        df.group_by("category")
        .agg(
            工单量=pl.col("tickets").sum(),
            超一般时限=pl.col("tickets").filter(pl.col("workdays") > pl.col("standard_days")).sum(),
        )
        .with_columns(超一般时限占比=(pl.col("超一般时限") / pl.col("工单量") * 100).round(1))
        .rename({"category": "诉求类型"})
        .sort("诉求类型")
    )
    st.dataframe(summary, hide_index=True, width="stretch")
    download_buttons(summary, safe_filename("12345热线_办理时长", *f.file_tag()), key="dl-hl-days")


def repeat_demand(f) -> None:
    window = queries.hotline_settings()["repeat_window_days"]
    st.caption(
        f"重复诉求：同一来电人（按联系电话的加盐哈希识别，不保存号码）此前 {window:g} 天内已有其他工单。占比高的区县和事项是需要关注的热点。"
    )
    left, right = st.columns(2)
    for col, by, label in ((left, "county", "区县"), (right, "topic", "事项分类")):
        df = queries.hotline_kpis(f, by).filter(pl.col("dim").is_not_null()).sort("repeat_rate", descending=True)
        table = df.select(
            pl.col("dim").alias(label), pl.col("volume").alias("工单量"), pl.col("repeat_rate").round(1).alias("重复诉求占比(%)")
        )
        with col:
            st.plotly_chart(
                charts.bar_counts(table, label, "重复诉求占比(%)", f"按{label}的重复诉求占比（%）"), width="stretch", key=f"hl-rep-{by}"
            )
            st.dataframe(table, hide_index=True, width="stretch")
            download_buttons(table, safe_filename(f"12345热线_重复诉求_{label}", *f.file_tag()), key=f"dl-hl-rep-{by}")


def overdue(f) -> None:
    df = queries.hotline_overdue(f)
    st.metric("逾期未办结工单", fmt.count(df.height, " 件"))
    if df.is_empty():
        st.success("当前筛选范围内没有逾期未办结的工单。")
        return
    table = df.select(
        pl.col("ticket_id").alias("工单编号"),
        pl.col("received_at").alias("受理时间"),
        pl.col("category").alias("诉求类型"),
        pl.col("topic").alias("事项分类"),
        pl.col("county").alias("区县"),
        pl.col("department").alias("承办单位"),
        pl.col("extensions").alias("延期次数"),
        pl.col("deadline_at").alias("最长时限"),
        pl.col("workdays_overdue").alias("已逾期(工作日)"),
        pl.col("content").alias("诉求内容（已脱敏）"),
    )
    st.dataframe(table, hide_index=True, width="stretch", height=480)
    download_buttons(table, safe_filename("12345热线_逾期未办结", *f.file_tag()), key="dl-hl-overdue")


def registry() -> None:
    lines = queries.hotline_lines()
    if lines.is_empty():
        st.info("数据仓库中没有热线归并清单（需导入 2022 年第 9 期公报）。")
        return
    counts = "，".join(f"{k} {v} 条" for k, v in lines.group_by("归并方式", maintain_order=True).len().iter_rows())
    st.caption(f"曲靖市 12345 热线归并清单（曲政办发〔2022〕68号 附件1）：共 {lines.height} 条，{counts}。")
    table = lines
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, "12345热线归并清单", key="dl-hl-registry")
