"""红黑榜: monthly and yearly rankings of counties and 承办单位 (warehouse model hotline_ranking), on 12345热线 and
总览. The period defaults to the latest one within the global months."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import filters, metrics, queries
from dashboard.export import download_buttons, safe_filename
from dashboard.filters import Scope

PERIOD_KINDS = ["月度", "年度"]
UNIT_KINDS = {"county": metrics.label("county"), "department": metrics.label("department")}
MEASURES = ["composite", "close_rate", "on_time_rate", "satisfaction_rate"]
YEARLY_DEPARTMENT = ["dept_score"]  # the 附件3 score is a 承办单位's, by year


def _latest(periods: pl.DataFrame, kind: str, scope: Scope) -> list[str]:
    """The periods of a kind, latest first, those within the global months first."""
    p = periods.filter(pl.col("period_kind") == kind)
    inside = p.filter(pl.col("month") <= scope.month_to)
    return inside["period"].to_list() + p.filter(pl.col("month") > scope.month_to)["period"].to_list()


def _change() -> pl.Expr:
    c = pl.col("rank_change")
    return (
        pl.when(pl.col("prev_rank").is_null())
        .then(pl.lit("新上榜"))
        .when(c > 0)
        .then(pl.format("↑{}", c))
        .when(c < 0)
        .then(pl.format("↓{}", -c))
        .otherwise(pl.lit("持平"))
        .alias("rank_change")
    )


def board(scope: Scope) -> None:
    """The ranking with its choices (周期, 对象, 依据, 期间), 红榜 and 黑榜 marked, sortable and downloadable."""
    periods = queries.hotline_ranking_periods()
    if periods.is_empty():
        minimum = queries.hotline_settings().get("ranking_min_volume")
        st.info(f"暂无排名：当期{metrics.metric('due').label}不足 {minimum:g} 件的单位不参加排名。")
        return
    c1, c2, c3, c4 = st.columns(4)
    kind = filters.selectbox(c1, "rk_kind", PERIOD_KINDS)
    unit_kind = filters.selectbox(c2, "rk_unit", list(UNIT_KINDS), format_func=UNIT_KINDS.get)
    measures = MEASURES + (YEARLY_DEPARTMENT if kind == "年度" and unit_kind == "department" else [])
    measure = filters.selectbox(c3, "rk_measure", measures, format_func=metrics.label)
    options = _latest(periods, kind, scope)
    if not options:
        st.info(f"没有{kind}排名。")
        return
    period = filters.selectbox(c4, "rk_period", options)
    df = queries.hotline_ranking(kind, period, unit_kind, measure, scope)
    if df.is_empty():
        st.info("所选范围内没有参加排名的单位。")
        return
    shown = metrics.table(
        df.with_columns(_change(), pl.col("value").round(1), pl.col("board").fill_null("")),
        ["rank", "unit", "value", "rank_change", "board", "due"],
        domain="ranking",
    ).rename({metrics.label("unit", "ranking"): UNIT_KINDS[unit_kind], metrics.label("value", "ranking"): metrics.label(measure)})
    red, black = (df.filter(pl.col("board") == b)["unit"].to_list() for b in ("红榜", "黑榜"))
    st.caption(
        f"{period} {UNIT_KINDS[unit_kind]}按{metrics.label(measure)}排名（共 {df['ranked'][0]} 个参评）。"
        f"红榜：{'、'.join(red) or '—'}；黑榜：{'、'.join(black) or '—'}。排名变化与上一{kind[0]}相比。"
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    download_buttons(shown, safe_filename("12345红黑榜", kind, period, UNIT_KINDS[unit_kind], metrics.label(measure)), key="dl-ranking")


def summary(scope: Scope) -> None:
    """总览: the latest month's 红榜 and 黑榜 of counties on the three rates together."""
    periods = queries.hotline_ranking_periods()
    months = _latest(periods, "月度", scope) if not periods.is_empty() else []
    if not months:
        return
    df = queries.hotline_ranking("月度", months[0], "county", "composite", scope)
    if df.is_empty():
        return
    red, black = (
        [f"{r['unit']}（{r['value']:.1f}）" for r in df.filter(pl.col("board") == b).iter_rows(named=True)] for b in ("红榜", "黑榜")
    )
    st.markdown(
        f"**{months[0]} 区县红黑榜**（{metrics.label('composite')}）　红榜：{'、'.join(red) or '—'}　黑榜：{'、'.join(black) or '—'}"
    )
