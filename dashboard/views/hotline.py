"""12345热线: volume, the 附件3 target rates, counties, departments, timeliness, repeat demand, overdue tickets."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import charts, filters, maps, metrics, queries, shell
from dashboard.export import download_buttons, safe_filename
from dashboard.filters import HotlineFilter, category_channel_bar
from dashboard.views import hot, ranking, ticket

TABLE_METRICS = [
    "volume",
    "direct_rate",
    "sign_rate",
    "close_rate",
    "on_time_rate",
    "satisfaction_rate",
    "visit_rate",
    "overdue_open",
    "late_closed",
    "mean_workdays",
    "repeat_rate",
]
MAP_METRICS = ["volume", "on_time_rate", "satisfaction_rate", "overdue_open", "repeat_rate", "mean_workdays"]


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
            "12345热线",
            f"{metrics.metric('volume').label}、时限与满意度；时限按国家法定工作日历计算（曲政办发〔2022〕68号 工作方案及附件3）",
            f.describe(),
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

    shell.tabs(
        {
            "月度趋势": lambda: trend(f, settings),
            metrics.label("county"): lambda: by_county(f),
            metrics.label("department"): lambda: by_department(f),
            "红黑榜": lambda: ranking.board(scope),
            "热点诉求": lambda: hot.problems(scope, "hl_hot"),
            "类型与渠道": lambda: by_category_channel(f),
            "办理时长": lambda: close_time(f),
            "重复诉求": lambda: repeat_demand(f),
            metrics.metric("overdue_open").label: lambda: overdue(f),
            "归并热线清单": registry,
        },
        key="hl_tab",
        # a link to a ticket (?ticket=…, kept by dashboard.filters) opens the list it is drawn under
        default=metrics.metric("overdue_open").label if st.session_state.get(filters.TICKET_LINKED) else None,
    )


def kpi_cards(k: dict, settings: dict) -> None:
    cols = st.columns(3)
    for col, key in zip(cols, metrics.with_targets("hotline"), strict=True):
        m = metrics.metric(key)
        col.metric(m.card_label(settings), m.show(k[key]), border=True, help=m.help(settings))
        m.badge(col, k[key], settings)
        if key == "close_rate":
            due, open_ = metrics.metric("due"), metrics.metric("in_progress")
            col.caption(f"{due.label} {due.show(k['due'])}；{open_.label} {open_.show(k['in_progress'])}（时限未到，不计入）")
    # three to a row: six across cut 平均办结用时（工作日） short on a desk
    keys = ("volume", "in_progress", "overdue_open", "direct_rate", "sign_rate", "mean_workdays")
    for col, key in zip([*st.columns(3), *st.columns(3)], keys, strict=True):
        m = metrics.metric(key)
        col.metric(m.card_label(settings), m.show(k[key]), help=m.help(settings))


def _kpi_table(df: pl.DataFrame, dim: str) -> pl.DataFrame:
    return metrics.table(df, ["dim", *TABLE_METRICS], dim=dim)


def _forecast(f) -> tuple[pl.DataFrame | None, str]:
    """The forecast drawn on the trend, and what the caption says: only for the whole city or one county without
    other filters (the series fitted at publish), and when the months shown reach the latest data."""
    if f.departments or f.categories or f.channels or len(f.counties) > 1 or not queries.allowed("hotline_forecast"):
        return None, "预测仅对全市或单个县区（不按承办单位、诉求类型、渠道筛选）给出。"
    fc = queries.hotline_forecast(f.counties[0] if f.counties else None)
    if fc.is_empty():
        return None, "数据不足 3 个完整月份，暂无预测。"
    start = dt.date.fromisoformat(fc["month"][0] + "-01")
    if f.month_to < (start - dt.timedelta(days=1)).replace(day=1):  # the chart ends before the last month with data
        return None, f"预测从 {fc['month'][0]} 起：把结束月份选到最新月份即可看到。"
    return fc, (
        f"虚线为未来 {fc.height} 个月的预测（{fc['method'][0]}，依据 {fc['history_months'][0]} 个完整月份），"
        "深浅阴影为 80% 与 95% 预测区间；数据发布时计算。"
    )


def trend(f, settings) -> None:
    m = queries.hotline_kpis(f, "month")
    month, volume = metrics.label("month"), metrics.metric("volume")
    fc, note = _forecast(f)
    st.plotly_chart(
        charts.monthly_volume(m.select(pl.col("dim").alias(month), pl.col("volume").alias(volume.label)), month, volume, fc),
        width="stretch",
        key="hl-vol",
    )
    st.caption(note)
    rates = m.select(
        pl.col("dim").alias(month), *(pl.col(c).alias(metrics.metric(c).label) for c in metrics.with_targets("hotline"))
    ).unpivot(index=month, variable_name="指标", value_name="百分比")
    targets = {metrics.metric(c).label: metrics.metric(c).target(settings) for c in ("on_time_rate", "satisfaction_rate")}
    st.plotly_chart(charts.monthly_rates(rates, targets, month), width="stretch", key="hl-rates")
    table = _kpi_table(m, "month")
    download_buttons(table, safe_filename("12345热线_月度", *f.file_tag()), key="dl-hl-month")


def by_county(f) -> None:
    df = queries.hotline_kpis(f, "county").filter(pl.col("dim").is_not_null())
    key = filters.selectbox(st, "hl_map_metric", MAP_METRICS, format_func=metrics.label)
    m = metrics.metric(key)
    values = df.select(pl.col("dim").alias("county"), pl.col(key).alias("value"))
    county = metrics.label("county")
    left, right = st.columns([3, 2])
    with left:
        st.pydeck_chart(maps.county_map(values, m, height_px=480), height=480, key="hl-map")
        st.html(maps.legend(values, m, note="；曲靖经开区无单独边界（含于麒麟区范围），见右侧排名"))
    with right:
        ranked = values.sort("value", descending=m.higher_is_better, nulls_last=True)
        st.plotly_chart(
            charts.bar_counts(
                ranked.select(pl.col("county").alias(county), pl.col("value").round(m.precision).alias(m.header)),
                county,
                m.header,
                f"各县（市、区）{m.header}",
            ),
            width="stretch",
            key="hl-county-bar",
        )
    table = _kpi_table(df, "county")
    links = table.with_columns(
        画像=pl.format("/county?county={}&from={}&to={}", county, pl.lit(f"{f.month_from:%Y-%m}"), pl.lit(f"{f.month_to:%Y-%m}"))
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
    table = _kpi_table(df, "department")
    if queries.allowed("hotline_dept_score"):
        dept, score = metrics.label("department"), metrics.metric("dept_score")
        scores = metrics.table(queries.hotline_dept_score(year), ["department", "dept_score", "full_quarters"])
        rank = metrics.label("rank")
        # opened in rank order (1 = the highest score), rank, department and score first: visible without scrolling
        table = (
            table.join(scores, on=dept, how="left")
            .with_columns(pl.col(score.header).rank("min", descending=True).cast(pl.Int32).alias(rank))
            .sort(rank, dept, nulls_last=True)
        )
        table = table.select(rank, dept, score.header, pl.exclude(rank, dept, score.header))
        st.caption(
            f"{metrics.metric('dept_score').label}为 {year} 年全年数据派生部分（附件3）：{metrics.metric('dept_score').rule(queries.hotline_settings())}，最低 0 分；"
            "按受理时间计入年度和季度，不受月份筛选影响。点击列名可排序。"
        )
    else:
        st.caption(f"承办单位的办理情况仅含本县（市、区）工单。附件3 {metrics.metric('dept_score').label}按全市工单计算，县级账号不显示。")
    st.dataframe(table, hide_index=True, width="stretch", height=520)
    download_buttons(table, safe_filename("12345热线_承办单位", *f.file_tag()), key="dl-hl-dept")


def by_category_channel(f) -> None:
    left, right = st.columns(2)
    volume = metrics.metric("volume")
    for col, by in ((left, "category"), (right, "channel")):
        label = metrics.label(by)
        df = queries.hotline_kpis(f, by).filter(pl.col("dim").is_not_null())
        with col:
            st.plotly_chart(
                charts.bar_counts(
                    df.select(pl.col("dim").alias(label), pl.col("volume").alias(volume.header)),
                    label,
                    volume.header,
                    f"按{label}的{volume.label}（{volume.unit}）",
                ),
                width="stretch",
                key=f"hl-{by}",
            )
            table = _kpi_table(df, by)
            st.dataframe(table, hide_index=True, width="stretch")
            download_buttons(table, safe_filename(f"12345热线_{label}", *f.file_tag()), key=f"dl-hl-{by}")


def close_time(f) -> None:
    df = queries.hotline_close_days(f)
    if df.is_empty():
        st.info("当前筛选条件下没有已办结的派单工单。")
        return
    rules = {r["category"]: r for r in queries.hotline_rules().iter_rows(named=True)}
    extendable = [r for r in rules.values() if r["max_extensions"]]
    st.caption(
        "派单件从受理到办结的工作日数（受理当日不计）。橙色点线为一般时限，红色虚线为最长时限"
        + (
            f"（{'、'.join(r['category'] for r in extendable)}按无延期计；经同意延期的每次另加 "
            f"{'、'.join(sorted({str(r['extension_days']) for r in extendable}))} 个工作日）。"
            if extendable
            else "。"
        )
    )
    cats = df["category"].unique().sort().to_list()
    cols = st.columns(2)
    for i, cat in enumerate(cats):
        part = df.filter(pl.col("category") == cat)
        r = rules.get(cat, {})
        cols[i % 2].plotly_chart(
            charts.close_days(part, cat, r.get("standard_days"), r.get("max_days"), metrics.metric("volume")),
            width="stretch",
            key=f"hl-days-{cat}",
        )
    summary = (
        df.group_by("category")
        .agg(
            pl.col("tickets").sum().alias(metrics.label("volume")),
            超一般时限=pl.col("tickets").filter(pl.col("workdays") > pl.col("standard_days")).sum(),
        )
        .with_columns(超一般时限占比=(pl.col("超一般时限") / pl.col(metrics.label("volume")) * 100).round(1))
        .sort("category")
        .rename({"category": metrics.label("category")})
    )
    st.dataframe(summary, hide_index=True, width="stretch")
    download_buttons(summary, safe_filename("12345热线_办理时长", *f.file_tag()), key="dl-hl-days")


def repeat_demand(f) -> None:
    window = queries.hotline_settings()["repeat_window_days"]
    st.caption(
        f"重复诉求：同一来电人（按联系电话的加盐哈希识别，不保存号码）此前 {window:g} 天内已有其他工单。占比高的区县和事项是需要关注的热点。"
    )
    left, right = st.columns(2)
    rate = metrics.metric("repeat_rate")
    for col, by in ((left, "county"), (right, "topic")):
        label = metrics.label(by)
        df = queries.hotline_kpis(f, by).filter(pl.col("dim").is_not_null()).sort("repeat_rate", descending=True)
        table = metrics.table(df, ["dim", "volume", "repeat_rate"], dim=by)
        with col:
            st.plotly_chart(
                charts.bar_counts(table, label, rate.header, f"按{label}的{rate.label}（{rate.unit}）"), width="stretch", key=f"hl-rep-{by}"
            )
            st.dataframe(table, hide_index=True, width="stretch")
            download_buttons(table, safe_filename(f"12345热线_重复诉求_{label}", *f.file_tag()), key=f"dl-hl-rep-{by}")


def overdue(f) -> None:
    found = queries.hotline_overdue(f, ticket.SHOWN_ROWS)
    m = metrics.metric("overdue_open")
    st.metric(f"{m.label}工单", m.show(found.total), help=m.help())
    if found.total == 0:
        st.success(f"当前筛选范围内没有{m.label}的工单。")
        return
    ticket.listing(found, safe_filename(f"12345热线_{m.label}", *f.file_tag()), "hl-overdue-list", f)


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
