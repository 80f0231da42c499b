"""区县画像: one county's hotline against targets, the city and the other counties, its plan indicators,
gas concessions, the chronicle events that mention it and its monthly trends. The county shown is the one the
global filter names; opening the page never changes the filter. Choosing a county here (or clicking it on the
map) is an explicit act that sets the global filter, so the sidebar and every link show it."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, charts, fmt, maps, metrics, queries, shell
from dashboard.export import download_buttons, safe_filename
from dashboard.filters import HotlineFilter, Scope, set_county
from dashboard.nav import link
from dashboard.views import alerts, briefing, hot

MAP_METRICS = ["on_time_rate", "volume", "satisfaction_rate", "overdue_open"]
MAP_HEIGHT = 420


def render() -> None:
    scope = shell.setup()
    if scope is None:
        return
    counties = queries.scope_options().filter(pl.col("kind") == "county")["value"].to_list()
    user = auth.current_user()
    if user is not None and user.role == "县级":  # offer only what the account may see
        counties = [user.county]
    # the county in force is the global filter's, when it names one; opening the page never changes the filter
    in_scope = [c for c in scope.counties if c in counties]
    current = in_scope[0] if len(in_scope) == 1 else (counties[0] if len(counties) == 1 else None)
    shell.page_header(
        "区县画像",
        "一个县（市、区）的 12345 热线、规划指标、燃气特许经营与大事记；在下方或左侧选择县区，或点击地图。",
        f"{current or '全市'} · {scope.month_from:%Y-%m} 至 {scope.month_to:%Y-%m}",
    )
    chosen = st.selectbox(
        "县（市、区）",
        counties,
        index=counties.index(current) if current else None,
        placeholder="请选择县（市、区）",
        key=f"county_pick_{current}",
    )
    if chosen is not None and chosen != current and chosen in counties:  # a forged value is ignored, never looped on
        set_county(chosen)  # an explicit choice: it becomes the global filter, and the sidebar shows it
        st.rerun()
    city_scope = Scope(scope.month_from, scope.month_to, (), scope.departments)
    if current is None:
        st.info("请选择一个县（市、区），或点击地图上的县区。选择后，左侧筛选随之改为该县区，其他页面也按它筛选。")
        by_county = queries.hotline_kpis(HotlineFilter.within(city_scope), "county").filter(pl.col("dim").is_not_null())
        if by_county.height:
            county_map(by_county, None)
        return
    county = current
    county_scope = Scope(scope.month_from, scope.month_to, (county,), scope.departments)

    briefing.buttons(county_scope, "county-brief")
    alerts.strip(county_scope)
    hotline(county, county_scope, city_scope)
    st.subheader("热点诉求")
    hot.problems(county_scope, "county_hot", county)
    indicators(county, scope)
    concessions(county, scope)
    chronicle(county, scope)


def hotline(county: str, county_scope: Scope, city_scope: Scope) -> None:
    if queries.hotline_options().filter(pl.col("kind") == "month").is_empty():
        return
    st.subheader("12345 热线")
    by_county = queries.hotline_kpis(HotlineFilter.within(city_scope), "county").filter(pl.col("dim").is_not_null())
    city = queries.hotline_kpis(HotlineFilter.within(city_scope))
    row = by_county.filter(pl.col("dim") == county)
    if row.is_empty():
        st.info(f"{county}在所选月份没有 12345 工单。")
        return
    k, c = row.row(0, named=True), city.row(0, named=True)
    user = auth.current_user()
    if user is not None and user.role == "县级":  # a county account sees its own county only: no city figures or ranks
        settings = queries.hotline_settings()
        cols = st.columns(4)
        for col, key in zip(cols, ("volume", *metrics.with_targets("hotline")), strict=True):
            m = metrics.metric(key)
            col.metric(m.card_label(settings), m.show(k[key]), help=m.help(settings))
            if m.target_setting:
                m.badge(col, k[key], settings)
        link("hotline", f"在 12345热线 页查看{county}的明细 →")
        return
    settings = queries.hotline_settings()
    n = by_county.height
    cols = st.columns(4)
    volume = metrics.metric("volume")
    cols[0].metric(
        volume.label,
        volume.show(k["volume"]),
        f"全市第 {_rank(by_county, 'volume', county, True)} / {n}（按量）",
        delta_color="off",
        delta_arrow="off",
        help=volume.help(settings),
    )
    for col, key in zip(cols[1:], metrics.with_targets("hotline"), strict=True):
        m = metrics.metric(key)
        rank = _rank(by_county, key, county, m.higher_is_better)
        d = m.delta(k[key], c[key])
        col.metric(
            m.card_label(settings),
            m.show(k[key]),
            d,  # the sign first: Streamlit reads the arrow and colour from it; what it compares with is said below
            **metrics.delta_style(d, "normal" if m.higher_is_better else "inverse"),
            help=f"全市 {n} 个县区中排第 {rank}。{m.help(settings)}",
        )
        m.badge(col, k[key], settings, f" · 排名 {rank}/{n}")
        col.caption(f"变化为与全市相比；全市 {m.show(c[key])}")  # its own line: a longer delta is cut off on a phone
    county_map(by_county, county)
    month, where, on_time = metrics.label("month"), metrics.label("county"), metrics.metric("on_time_rate")
    monthly = queries.hotline_kpis(HotlineFilter.within(county_scope), "month")
    city_monthly = queries.hotline_kpis(HotlineFilter.within(city_scope), "month")
    trend = pl.concat([monthly.with_columns(area=pl.lit(county)), city_monthly.with_columns(area=pl.lit("全市"))]).select(
        pl.col("dim").alias(month), pl.col("area").alias(where), pl.col("on_time_rate").alias(on_time.header)
    )
    import plotly.express as px

    fig = px.line(trend.to_pandas(), x=month, y=on_time.header, color=where, markers=True)
    fig.update_xaxes(type="category", title="")
    fig.update_yaxes(title=f"{on_time.label}（{on_time.unit}）")
    st.plotly_chart(charts._style(fig, f"{county}与全市：每月{on_time.label}（{on_time.unit}）"), width="stretch", key="county-trend")
    table = metrics.table(monthly, ["dim", "volume", *metrics.with_targets("hotline"), "overdue_open"], dim="month")
    download_buttons(table, safe_filename("区县画像_12345热线", county, *county_scope.file_tag()[1:]), key="dl-county-hl")
    link("hotline", f"在 12345热线 页查看{county}的明细 →")


def county_map(by_county: pl.DataFrame, county: str | None) -> None:
    """The city's counties shaded by a chosen metric, the county in force outlined; a click chooses a county. The
    chart's key changes with the county, so a click's selection does not outlive its rerun (Streamlit would keep
    the clicked shape selected: filled with the theme colour and zoomed to)."""
    key = st.selectbox("地图指标（点击地图上的县区可切换县区）", MAP_METRICS, format_func=metrics.label, key="county_map_metric")
    m = metrics.metric(key)
    values = by_county.select(pl.col("dim").alias("county"), pl.col(key).alias("value"))
    event = st.pydeck_chart(
        maps.county_map(values, m, MAP_HEIGHT, selected=county), height=MAP_HEIGHT, on_select="rerun", key=f"county-map-{county}"
    )
    st.html(maps.legend(values, m))
    clicked = maps.clicked_county(event)
    if clicked and clicked != county:
        set_county(clicked)
        st.rerun()


def _rank(df: pl.DataFrame, col: str, county: str, higher_better: bool) -> int:
    ranked = df.sort(col, descending=higher_better, nulls_last=True)["dim"].to_list()
    return ranked.index(county) + 1


def indicators(county: str, scope: Scope) -> None:
    periods = queries.indicator_periods()
    within = periods.filter(pl.col("period_end") <= scope.date_to)
    if within.is_empty():
        return
    period = within["period"][0]
    p = queries.indicator_progress(period, [county])
    st.subheader(f"规划指标（{period}）")
    n = dict(p.group_by("status").len().iter_rows())
    cols = st.columns(4)
    for col, status in zip(cols, ("已达标", "按进度", "滞后", "未报送"), strict=True):
        col.metric(status, fmt.count(n.get(status, 0), " 项"))
    table = p.select(
        pl.col("seq").alias(metrics.label("seq")),
        pl.col("name").alias(metrics.label("name")),
        pl.col("actual_text").alias(metrics.label("actual_text")),
        pl.col("expected").round(2).alias(metrics.label("expected")),
        pl.col("target_text").alias(f"{p['target_year'].max()}年目标"),
        pl.col("status").alias(metrics.label("status")),
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, safe_filename("区县画像_规划指标", county, period), key="dl-county-ind")
    link("plan", f"在 规划指标 页查看{county}的监测进度 →")


def concessions(county: str, scope: Scope) -> None:
    r = queries.county_concessions(county, scope.month_to.year)
    if r.is_empty():
        return
    st.subheader("燃气特许经营")
    for row in r.filter(pl.col("verdict").str.starts_with("否决")).iter_rows(named=True):
        st.error(f"一票否决：{row['enterprise']}（{row['period']} {row['assessment_type']}）", icon="🚫")
    table = r.select(
        pl.col("enterprise").alias(metrics.label("enterprise")),
        pl.col("county").alias(metrics.label("county", "concession")),
        pl.col("period").alias(metrics.label("period", "concession")),
        pl.col("assessment_type").alias(metrics.label("assessment_type")),
        pl.col("total_score").alias(metrics.label("total_score")),
        pl.col("verdict").alias(metrics.label("verdict")),
        pl.col("rectify_by").dt.strftime("%Y-%m-%d").fill_null("").alias(metrics.label("rectify_by")),
        pl.col("rectify_status").fill_null("").alias(metrics.label("rectify_status")),
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, safe_filename("区县画像_燃气特许经营", county), key="dl-county-gas")
    link("concession", f"在 燃气特许经营 页查看{county}的评分 →")


def chronicle(county: str, scope: Scope) -> None:
    e = queries.county_events(county, scope.month_from, scope.date_to)
    st.subheader("大事记")
    if e.is_empty():
        st.caption(f"所选月份内的大事记未提及{county}。")
        return
    st.metric("提及该县区的大事记", fmt.count(e.height, " 条"))
    table = e.select(
        pl.col("date_start").alias(metrics.label("date_start")),
        pl.col("event_type").alias(metrics.label("event_type")),
        pl.col("leaders").list.join("、").alias(metrics.label("leaders")),
        pl.col("text").alias(metrics.label("text")),
    )
    st.dataframe(table, hide_index=True, width="stretch", column_config={"日期": st.column_config.DateColumn("日期", format="YYYY-MM-DD")})
    download_buttons(table, safe_filename("区县画像_大事记", county, *scope.file_tag()[1:]), key="dl-county-chr")
    link("chronicle", f"在 大事记 页查看{county}的全部记录 →")
