"""Plotly figures with Chinese titles, axis labels and units."""

from __future__ import annotations

import math

import plotly.express as px
import polars as pl

SOURCE_COLORS = {"财政衔接资金": "#c0392b", "其他财政资金": "#e67e22", "其他资金": "#2e86c1"}
FONT = dict(family="Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif")


def _style(fig, title: str):
    fig.update_layout(title=title, font=FONT, legend_title_text="", margin=dict(l=10, r=10, t=50, b=10), hovermode="closest")
    return fig


def investment_by_year(df: pl.DataFrame):
    """df: year, source, amount_wan (parts only). Stacked bars in 亿元."""
    d = df.with_columns(亿元=pl.col("amount_wan") / 10_000, 年度=pl.col("year").cast(pl.Utf8)).rename({"source": "资金来源"})
    fig = px.bar(
        d.to_pandas(),
        x="年度",
        y="亿元",
        color="资金来源",
        color_discrete_map=SOURCE_COLORS,
        category_orders={"资金来源": list(SOURCE_COLORS)},
        text_auto=".1f",
    )
    fig.update_yaxes(title="投资额（亿元）")
    return _style(fig, "分年度规划投资（按资金来源，亿元）")


def category_by_source(df: pl.DataFrame, title: str):
    """df: category, source, amount_wan (parts only). Horizontal stacked bars in 亿元."""
    order = df.group_by("category").agg(pl.col("amount_wan").sum()).sort("amount_wan")["category"].to_list()
    d = df.with_columns(亿元=pl.col("amount_wan") / 10_000).rename({"source": "资金来源", "category": "类别"})
    fig = px.bar(
        d.to_pandas(),
        y="类别",
        x="亿元",
        color="资金来源",
        orientation="h",
        color_discrete_map=SOURCE_COLORS,
        category_orders={"类别": order[::-1], "资金来源": list(SOURCE_COLORS)},
    )
    fig.update_xaxes(title="投资额（亿元）")
    fig.update_yaxes(title="")
    return _style(fig, title)


def bar_counts(df: pl.DataFrame, label: str, value: str, title: str, horizontal: bool = True):
    d = df.to_pandas()
    if horizontal:
        fig = px.bar(d, y=label, x=value, orientation="h", text=value)
        fig.update_yaxes(title="", categoryorder="total ascending")
        fig.update_xaxes(title=value)
    else:
        fig = px.bar(d, x=label, y=value, text=value)
        fig.update_xaxes(title="")
        fig.update_yaxes(title=value)
    fig.update_traces(marker_color="#2e86c1")
    top = float(df[value].max() or 1)
    step = max(1, math.ceil(top / 8))  # counts: whole-number ticks only
    (fig.update_xaxes if horizontal else fig.update_yaxes)(dtick=step, tick0=0)
    return _style(fig, title)


def events_by_day(df: pl.DataFrame):
    """df: 日期, 事件类型, 事件数."""
    fig = px.bar(df.to_pandas(), x="日期", y="事件数", color="事件类型")
    fig.update_yaxes(title="事件数（条）")
    fig.update_xaxes(title="")
    return _style(fig, "每日大事记条数（按事件类型）")
