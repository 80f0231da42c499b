"""The briefing's charts, drawn with matplotlib (no browser, no network) from the frames the app's queries return, as
PNG at CHART_DPI: the PDF and the Word file take the same image."""

from __future__ import annotations

import io
from functools import cache

import polars as pl

from dashboard import charts as app_charts
from dashboard import metrics
from dashboard.brief import fonts
from dashboard.brief.model import Chart

CHART_DPI = 200
SIZE = (7.2, 3.0)  # inches: 16 cm wide on the page


@cache
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    for kind in ("regular", "bold"):
        font_manager.fontManager.addfont(str(fonts.face(kind).path))
    plt.rcParams.update(
        {
            "font.family": [fonts.SANS],
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.unicode_minus": False,
            "font.size": 9,
        }
    )
    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=CHART_DPI, bbox_inches="tight")
    _pyplot().close(fig)
    return buf.getvalue()


def hotline_trend(monthly: pl.DataFrame, on_time_target: float | None) -> Chart:
    """Monthly volume (bars) and the on-time rate (line, right axis) with its target, from hotline_kpis by month."""
    plt = _pyplot()
    volume, on_time = metrics.metric("volume"), metrics.metric("on_time_rate")
    months = [m[2:] for m in monthly["dim"].to_list()]  # 24-06: thirteen labels fit a page's width
    fig, ax = plt.subplots(figsize=SIZE)
    ax.bar(months, monthly["volume"].to_list(), color=app_charts.BLUE, alpha=0.75, label=f"{volume.label}（{volume.unit}）")
    ax.set_ylabel(f"{volume.label}（{volume.unit}）")
    ax.tick_params(axis="x", labelsize=7.5)
    right = ax.twinx()
    right.plot(months, monthly["on_time_rate"].to_list(), color="#c0392b", marker="o", markersize=3, label=on_time.header)
    if on_time_target is not None:
        right.axhline(on_time_target, color="#c0392b", linestyle="--", linewidth=0.8, label=f"目标 {on_time_target:g}{on_time.unit}")
    right.set_ylabel(on_time.header)
    right.spines["right"].set_visible(True)
    low = min([v for v in monthly["on_time_rate"].to_list() if v is not None] + [on_time_target or 100])
    right.set_ylim(max(0, low - 5), 100.5)
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    ax.legend(handles, [h.get_label() for h in handles], loc="lower left", fontsize=7.5, frameon=False, ncols=3)
    title = f"近 {monthly.height} 个月{volume.label}与{on_time.label}"
    ax.set_title(title, fontsize=10)
    return Chart(title, _png(fig))


def county_mentions(by_county: pl.DataFrame, county: str, events: str) -> Chart:
    """本月大事记提及各县（市、区）次数, from dashboard.queries.count_by."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(SIZE[0], 2.4))
    ax.bar(by_county[county].to_list(), by_county[events].to_list(), color=app_charts.BLUE)
    ax.set_ylabel(events)
    ax.yaxis.get_major_locator().set_params(integer=True)
    title = "本月大事记提及各县（市、区）次数"
    ax.set_title(title, fontsize=10)
    return Chart(title, _png(fig))
