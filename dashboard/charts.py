"""Plotly figures with Chinese titles, axis labels and units."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from dashboard import metrics

SOURCE_COLORS = {"财政衔接资金": "#c0392b", "其他财政资金": "#e67e22", "其他资金": "#2e86c1"}
BLUE = "#2e86c1"
PALETTE = px.colors.qualitative.Plotly  # the colours plotly.express would pick
# the charts the hotline pages draw on every filter change use graph_objects: plotly.express spent
# 0.1–0.6 s per figure building them (profiled in docs/PERFORMANCE.md)
FONT = dict(family="Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif")


def _style(fig, title: str):
    fig.update_layout(title=title, font=FONT, legend_title_text="", margin=dict(l=10, r=10, t=50, b=10), hovermode="closest")
    return fig


def investment_by_year(df: pl.DataFrame):
    """df: year, source, amount_wan (parts only). Stacked bars in 亿元."""
    source, year = metrics.label("source", "plan"), metrics.label("year", "plan")
    d = df.with_columns(亿元=pl.col("amount_wan") / 10_000, year=pl.col("year").cast(pl.Utf8)).rename({"source": source, "year": year})
    fig = px.bar(
        d.to_pandas(),
        x=year,
        y="亿元",
        color=source,
        color_discrete_map=SOURCE_COLORS,
        category_orders={source: list(SOURCE_COLORS)},
        text_auto=".1f",
    )
    fig.update_yaxes(title="投资额（亿元）")
    return _style(fig, "分年度规划投资（按资金来源，亿元）")


def category_by_source(df: pl.DataFrame, title: str):
    """df: category, source, amount_wan (parts only). Horizontal stacked bars in 亿元."""
    source, category = metrics.label("source", "plan"), metrics.label("category", "plan")
    order = df.group_by("category").agg(pl.col("amount_wan").sum()).sort("amount_wan")["category"].to_list()
    d = df.with_columns(亿元=pl.col("amount_wan") / 10_000).rename({"source": source, "category": category})
    fig = px.bar(
        d.to_pandas(),
        y=category,
        x="亿元",
        color=source,
        orientation="h",
        color_discrete_map=SOURCE_COLORS,
        category_orders={category: order[::-1], source: list(SOURCE_COLORS)},
    )
    fig.update_xaxes(title="投资额（亿元）")
    fig.update_yaxes(title="")
    return _style(fig, title)


def bar_counts(df: pl.DataFrame, label: str, value: str, title: str, horizontal: bool = True):
    labels, values = df[label].to_list(), df[value].to_list()
    if horizontal:
        fig = go.Figure(go.Bar(y=labels, x=values, orientation="h", text=values, marker_color=BLUE, name=value))
        fig.update_yaxes(title="", categoryorder="total ascending")
        fig.update_xaxes(title=value)
    else:
        fig = go.Figure(go.Bar(x=labels, y=values, text=values, marker_color=BLUE, name=value))
        fig.update_xaxes(title="")
        fig.update_yaxes(title=value)
    top = float(df[value].max() or 1)
    if top <= 10:  # small counts: whole-number ticks only
        (fig.update_xaxes if horizontal else fig.update_yaxes)(dtick=1, tick0=0)
    return _style(fig, title)


def monthly_volume(df: pl.DataFrame, month: str, volume, forecast: pl.DataFrame | None = None):
    """df: the month column and the volume metric's label column; volume: its Metric (dashboard.metrics). forecast
    (month, forecast, lo80, hi80, lo95, hi95): drawn after the bars as a dashed line in its 80% and 95% bands."""
    fig = go.Figure(go.Bar(x=df[month].to_list(), y=df[volume.label].to_list(), marker_color=BLUE, name=volume.label))
    if forecast is not None and forecast.height:
        x = forecast["month"].to_list()
        for level, shade in ((95, "rgba(230,126,34,0.15)"), (80, "rgba(230,126,34,0.3)")):
            fig.add_trace(
                go.Scatter(x=x, y=forecast[f"hi{level}"].to_list(), mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip")
            )
            fig.add_trace(
                go.Scatter(
                    x=x, y=forecast[f"lo{level}"].to_list(), mode="lines", line=dict(width=0), fill="tonexty", fillcolor=shade,
                    name=f"{level}% 预测区间", hovertemplate=f"{level}%% 区间下限 %{{y:,.0f}}<extra></extra>".replace("%%", "%"),
                )
            )  # fmt: skip
        fig.add_trace(
            go.Scatter(x=x, y=forecast["forecast"].to_list(), mode="lines+markers", line=dict(color="#e67e22", dash="dash"), name="预测")
        )
    fig.update_yaxes(title=f"{volume.label}（{volume.unit}）")
    fig.update_xaxes(title="", type="category")
    return _style(fig, f"每月{volume.label}（{volume.unit}）")


def monthly_rates(df: pl.DataFrame, targets: dict[str, float], month: str):
    """df: the month column, 指标, 百分比 (long). Dashed lines mark the targets."""
    fig = go.Figure()
    names = df["指标"].unique(maintain_order=True).to_list()
    for k, (name, part) in enumerate(df.partition_by("指标", as_dict=True, maintain_order=True).items()):
        fig.add_trace(
            go.Scatter(
                x=part[month].to_list(),
                y=part["百分比"].to_list(),
                name=name[0],
                mode="lines+markers",
                line_color=PALETTE[k % len(PALETTE)],
            )
        )
    for label, value in targets.items():
        fig.add_hline(
            y=value, line_dash="dash", line_color="#999", annotation_text=f"{label}目标 {value:g}%", annotation_position="bottom right"
        )
    fig.update_yaxes(title="%")
    fig.update_xaxes(title="", type="category")
    return _style(fig, f"每月{'、'.join(names)}（%）")


def close_days(df: pl.DataFrame, category: str, standard: float | None, maximum: float | None, volume):
    """df: workdays, tickets for one category; dotted line at the standard limit, dashed at the maximum.
    volume: the ticket-count Metric (dashboard.metrics), for the axis."""
    fig = go.Figure(go.Bar(x=df["workdays"].to_list(), y=df["tickets"].to_list(), marker_color=BLUE, name=volume.label))
    if standard is not None and standard != maximum:
        fig.add_vline(x=standard + 0.5, line_dash="dot", line_color="#e67e22")
    if maximum is not None:
        fig.add_vline(x=maximum + 0.5, line_dash="dash", line_color="#c0392b")
    fig.update_xaxes(title="办结用时（工作日，40 及以上合并）")
    fig.update_yaxes(title=f"{volume.label}（{volume.unit}）")
    if standard is None:
        limits = "不设时限"
    elif standard == maximum:
        limits = f"时限 {standard:g} 个工作日"
    else:
        limits = f"一般 {standard:g} / 最长 {maximum:g} 个工作日"
    return _style(fig, f"{category}：办结用时分布（{limits}）")


def indicator_trajectory(t: pl.DataFrame, title: str):
    """t: period_end, actual, expected, baseline_value, target_value, baseline_year, target_year, projected (one
    indicator, one county); the plan's years come with the data."""
    import datetime as dt

    import plotly.graph_objects as go

    fig = go.Figure()
    base, target = t["baseline_value"][0], t["target_value"][0]
    target_year = t["target_year"][0]
    start, end = dt.date(t["baseline_year"][0], 12, 31), dt.date(target_year, 12, 31)
    if base is not None and target is not None:
        fig.add_trace(
            go.Scatter(
                x=[start, end], y=[base, target], mode="lines+markers", name="规划路径（基期→目标）", line=dict(color="#999", dash="dot")
            )
        )
    actual = t.filter(pl.col("actual").is_not_null())
    fig.add_trace(
        go.Scatter(
            x=actual["period_end"].to_list(),
            y=actual["actual"].to_list(),
            mode="lines+markers",
            name="实际值",
            line=dict(color="#2e86c1", width=3),
        )
    )
    proj = t["projected"][0]
    if proj is not None and actual.height:
        lo, hi = (t["projected_lo80"][0], t["projected_hi80"][0]) if "projected_lo80" in t.columns else (None, None)
        band = (
            dict(type="data", symmetric=False, array=[0, hi - proj], arrayminus=[0, proj - lo], color="#e67e22") if lo is not None else None
        )
        fig.add_trace(
            go.Scatter(
                x=[actual["period_end"][-1], end],
                y=[actual["actual"][-1], proj],
                mode="lines+markers",
                name=f"按趋势推算 {target_year}" + ("（竖线为 80% 预测区间）" if band else ""),
                line=dict(color="#e67e22", dash="dash"),
                error_y=band,
            )
        )
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", line_color="#2e7d32", annotation_text=f"{target_year} 目标 {target:g}")
    # a year's figure is at its end (31 December), so each tick is a year's end labelled with that year: the 2025
    # target sits on "2025", not on plotly's default "Jan 2026"
    years = range(t["baseline_year"][0], target_year + 1)
    fig.update_xaxes(title="", tickvals=[dt.date(y, 12, 31) for y in years], ticktext=[f"{y}年" for y in years])
    fig.update_yaxes(title=t["unit"][0] or "")
    return _style(fig, title)
