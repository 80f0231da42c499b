"""总览: for the filtered scope, the few numbers that matter from each domain, each with its change and a link to
the detail. Every change says what it compares with (环比: the previous period of the same length; 同比: the same
months a year earlier; 较上期 / 较上年度 for reporting periods) and is never made against a period without data:
it shows "—" and why instead."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import charts, fmt, metrics, queries, shell
from dashboard.filters import HotlineFilter, Scope
from dashboard.nav import link
from dashboard.views import alerts, briefing, ranking


def previous(scope: Scope) -> Scope:
    """The period of the same number of months just before the scope's."""
    months = (scope.month_to.year - scope.month_from.year) * 12 + scope.month_to.month - scope.month_from.month + 1

    def shift(d: dt.date, n: int) -> dt.date:
        k = d.year * 12 + d.month - 1 - n
        return dt.date(k // 12, k % 12 + 1, 1)

    return Scope(shift(scope.month_from, months), shift(scope.month_to, months), scope.counties, scope.departments)


def year_ago(scope: Scope) -> Scope:
    """The same months a year earlier."""
    return Scope(
        scope.month_from.replace(year=scope.month_from.year - 1),
        scope.month_to.replace(year=scope.month_to.year - 1),
        scope.counties,
        scope.departments,
    )


def _period(s: Scope) -> str:
    return f"{s.month_from:%Y-%m} 至 {s.month_to:%Y-%m}"


def render() -> None:
    scope = shell.setup()
    if scope is None:
        return
    shell.page_header("总览", shell.status_line(), scope.describe())
    prev = previous(scope)
    st.caption(f"环比：与上一同长度期间（{_period(prev)}）相比；同比：与去年同期（{_period(year_ago(scope))}）相比。")
    briefing.buttons(scope, "ov-brief")
    alerts.strip(scope)
    hotline_summary(scope, prev)
    monitoring_summary(scope)
    concession_summary(scope)
    chronicle_summary(scope, prev)
    plan_summary()


def _delta(now, before, unit: str = "", label: str = "") -> str | None:
    """A change in whole units, '+3 项（label）' (the sign first: Streamlit reads the arrow and colour from it); None
    when either side is missing (the caller says why)."""
    if now is None or before is None:
        return None
    change = metrics.FLAT if now == before else f"{now - before:+,.0f}{unit}"
    return change + (f"（{label}）" if label else "")


def _missing(col, label: str, why: str) -> None:
    """Where a comparison cannot be made: '环比 —（上期无数据）' instead of a figure against nothing."""
    col.caption(f"{label} —（{why}）")


def hotline_summary(scope: Scope, prev: Scope) -> None:
    if queries.hotline_options().filter(pl.col("kind") == "month").is_empty():
        return
    k = queries.hotline_kpis(HotlineFilter.within(scope))
    kp = queries.hotline_kpis(HotlineFilter.within(prev))
    ky = queries.hotline_kpis(HotlineFilter.within(year_ago(scope)))
    now = k.row(0, named=True) if k.height else {}
    # a period without tickets is no basis for a comparison (the data may simply not reach back that far)
    before = kp.row(0, named=True) if kp.height and kp["volume"][0] else {}
    last_year = ky.row(0, named=True) if ky.height and ky["volume"][0] else {}
    settings = queries.hotline_settings()
    st.subheader("12345 热线" + ("　·　演示数据" if now.get("has_demo") else ""))
    if not now.get("volume"):
        st.info("所选范围内没有 12345 工单。")
        return
    if not before and not last_year:
        st.caption("环比 —（上期无工单数据）；同比 —（去年同期无工单数据）")
    cols = st.columns(5)
    for col, key in zip(cols, ("volume", *metrics.with_targets("hotline"), "overdue_open"), strict=True):
        m = metrics.metric(key)
        mom, yoy = m.delta(now[key], before.get(key)), m.delta(now[key], last_year.get(key))
        col.metric(
            m.card_label(settings),
            m.show(now[key]),
            f"{mom}（环比）" if mom else None,
            **metrics.delta_style(mom, {"higher": "normal", "lower": "inverse"}.get(m.direction, "off")),
            help=m.help(settings),
        )
        if m.target_setting:
            m.badge(col, now[key], settings)
        if before or last_year:  # one line under the card (said once for the section when neither period has data)
            notes = [] if mom else [f"环比 —（{'上期无工单数据' if not before else '上期无此项'}）"]
            notes.append(f"同比 {yoy}" if yoy else f"同比 —（{'去年同期无工单数据' if not last_year else '去年同期无此项'}）")
            col.caption("；".join(notes))
    ranking.summary(scope)
    link("hotline", "查看 12345 热线 →")


def monitoring_summary(scope: Scope) -> None:
    if not queries.allowed("indicator_progress"):  # county data: not a department account's
        return
    periods = queries.indicator_periods(scope.counties)
    if periods.is_empty():
        return
    within = periods.filter(pl.col("period_end") <= scope.date_to)
    if within.is_empty():
        return
    period = within["period"][0]
    counties = list(scope.counties) or ["全市"]
    p = queries.indicator_progress(period, counties)
    n = dict(p.group_by("status").len().iter_rows())
    before, earlier = {}, within["period"][1] if within.height > 1 else None
    if earlier:
        before = dict(queries.indicator_progress(earlier, counties).group_by("status").len().iter_rows())
    st.subheader(f"规划指标监测（{'、'.join(counties)} · {period}）")
    cols = st.columns(4)
    for col, status in zip(cols, ("已达标", "按进度", "滞后", "未报送"), strict=True):
        change = _delta(n.get(status, 0), before.get(status, 0) if before else None, " 项", f"较上期 {earlier}")
        col.metric(
            status,
            fmt.count(n.get(status, 0), " 项"),
            change,
            **metrics.delta_style(change, "inverse" if status in ("滞后", "未报送") else "normal"),
        )
        if not before:
            _missing(col, "较上期", "此前没有报送期")
    lagging = p.filter(pl.col("status") == "滞后").select(pl.format("{} {}（{}）", "seq", "name", "county")).to_series().to_list()
    if lagging:
        st.caption("滞后：" + "；".join(lagging[:8]) + ("……" if len(lagging) > 8 else ""))
    link("plan", "查看规划指标与监测进度 →")


def concession_summary(scope: Scope) -> None:
    if not queries.allowed("concession_results"):  # county data: not a department account's
        return
    periods = queries.concession_periods(scope.counties).filter(pl.col("annual"))
    years = [p for p in periods["period"].to_list() if int(p) <= scope.month_to.year]
    if not years:
        return
    r = queries.concession_results(years[0], ["年度考评"], list(scope.counties))
    rp = queries.concession_results(years[1], ["年度考评"], list(scope.counties)) if len(years) > 1 else None
    st.subheader(f"燃气特许经营（{years[0]} 年度考评）" + ("　·　演示数据" if r.height and r["is_demo"].any() else ""))
    if r.is_empty():
        st.info("所选区县没有年度考评结果。")
        return

    def count(df, cond):
        return None if df is None else df.filter(cond).height

    cols = st.columns(4)
    cols[0].metric("参评企业", fmt.count(r.height, " 家"))
    for col, label, cond in ((cols[1], "不合格", pl.col("verdict") == "不合格"), (cols[2], "一票否决", pl.col("veto"))):
        change = _delta(count(r, cond), count(rp, cond), " 家", "较上年度")
        col.metric(label, fmt.count(count(r, cond), " 家"), change, **metrics.delta_style(change, "inverse"))
    score = None
    if rp is not None and not rp.is_empty():
        d = round(r["total_score"].mean() - rp["total_score"].mean(), 1)
        score = f"{metrics.FLAT}（较上年度）" if d == 0 else f"{d:+.1f} 分（较上年度）"
    cols[3].metric("平均得分", f"{r['total_score'].mean():.1f}", score, **metrics.delta_style(score))
    if rp is None or rp.is_empty():
        _missing(cols[1], "较上年度", f"{int(years[0]) - 1} 年没有年度考评")
    for row in r.filter(pl.col("veto")).iter_rows(named=True):
        st.error(f"一票否决：{row['enterprise']}（{row['county']}）", icon="🚫")
    link("concession", "查看燃气特许经营 →")


def chronicle_gap(scope: Scope, prev: Scope, first: dt.date, last: dt.date) -> str | None:
    """Why the chronicle's 环比 cannot be made, or None: it needs the record to cover both periods (a period outside
    it has no events because there is no record, not because nothing happened)."""
    first = first.replace(day=1)
    if scope.month_from > last or scope.date_to < first:
        return f"所选期间不在大事记资料范围（{first:%Y-%m} 至 {last:%Y-%m}）内"
    if prev.month_from < first:
        return f"上期早于大事记资料起点 {first:%Y-%m}"
    return None


def chronicle_summary(scope: Scope, prev: Scope) -> None:
    span = queries.chronicle_span()
    if not span["events"]:
        return
    now = queries.chronicle_events(scope.month_from, scope.date_to, counties=scope.counties)
    why = chronicle_gap(scope, prev, span["first_date"], span["last_date"])
    before = None if why else queries.chronicle_events(prev.month_from, prev.date_to, counties=scope.counties)
    st.subheader("大事记")
    cols = st.columns(4)
    cols[0].metric(
        "所选期间大事记",
        fmt.count(now.height, " 条"),
        None if why else _delta(now.height, before.height, " 条", "环比"),
        delta_color="off",
        delta_arrow="off" if why else "auto",
    )
    if why:
        _missing(cols[0], "环比", why)
    cols[1].metric("涉及市领导", fmt.count(now.select(pl.col("leaders").explode()).drop_nulls().n_unique(), " 位"))
    cols[2].metric("资料覆盖", f"{span['first_date']:%Y-%m} 至 {span['last_date']:%Y-%m}")
    if now.height:
        county = metrics.label("county")
        by_county = queries.count_by(now, "counties", county)
        if by_county.height:
            st.plotly_chart(
                charts.bar_counts(by_county, county, metrics.label("events"), "所选期间大事记提及各县（市、区）次数", horizontal=False),
                width="stretch",
                key="ov-county",
            )
    link("chronicle", "查看大事记 →")


def plan_summary() -> None:
    c = queries.overview_counts()
    if not c["indicators"]:
        return
    st.subheader(f"乡村振兴衔接规划（{c['plan_baseline_year'] + 1}—{c['plan_target_year']}年）与热线归并")
    a, b, d, e = st.columns(4)
    a.metric(
        "主要指标",
        fmt.count(c["indicators"], " 项"),
        f"约束性 {c['binding_indicators']} · 预期性 {c['indicators'] - c['binding_indicators']}",
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
    e.metric(
        "归并热线",
        fmt.count(c["hotlines"], " 条"),
        f"整体并入 {c['hotlines_merged']} · 双号并行 {c['hotlines'] - c['hotlines_merged']}",
        delta_color="off",
        delta_arrow="off",
    )
    with st.expander(f"本期公报文件（{c['documents']} 份）与人事任免"):
        st.dataframe(
            metrics.labelled(queries.documents()),
            hide_index=True,
            width="stretch",
        )
        st.dataframe(
            metrics.labelled(queries.personnel(), "personnel"),
            hide_index=True,
            width="stretch",
        )
    link("plan", "查看规划指标与投资 →")
    st.subheader("数据质量")
    a, b, _, _ = st.columns(4)
    a.metric("数据质量发现", fmt.count(c["findings"], " 条"))
    b.metric("其中实质差异", fmt.count(c["material_findings"], " 条"))
    link("status", "查看数据状态 →")
