"""Filter widgets and the filter values they produce. Widget keys are stable so values survive reruns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
import streamlit as st


@dataclass(frozen=True)
class HotlineFilter:
    month_from: dt.date
    month_to: dt.date
    counties: tuple[str, ...] = field(default_factory=tuple)
    departments: tuple[str, ...] = field(default_factory=tuple)
    categories: tuple[str, ...] = field(default_factory=tuple)
    channels: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """One line saying what is shown, e.g. 宣威市 · 2024-01 至 2024-06."""
        parts = ["、".join(self.counties) or "全市", f"{self.month_from:%Y-%m} 至 {self.month_to:%Y-%m}"]
        parts += [x for x in ("、".join(self.departments), "、".join(self.categories), "、".join(self.channels)) if x]
        return " · ".join(parts)

    def file_tag(self) -> list[str]:
        return ["-".join(self.counties) or "全市", f"{self.month_from:%Y-%m}", f"{self.month_to:%Y-%m}"]


def _month(text: str) -> dt.date:
    return dt.date.fromisoformat(f"{text}-01")


def hotline_filter_bar(options: pl.DataFrame) -> HotlineFilter:
    """County, department, month range, category and channel."""

    def values(kind: str) -> list[str]:
        return options.filter(pl.col("kind") == kind)["value"].to_list()

    months = sorted(values("month"))
    default_from = months[max(0, len(months) - 12)]
    c1, c2, c3 = st.columns([3, 2, 2])
    m_from, m_to = c1.select_slider("月份范围", options=months, value=(default_from, months[-1]), key="hl_months")
    counties = c2.multiselect("区县", values("county"), key="hl_counties", placeholder="全市")
    departments = c3.multiselect("承办单位", values("department"), key="hl_departments", placeholder="全部承办单位")
    c4, c5, _ = st.columns([2, 2, 3])
    categories = c4.multiselect("诉求类型", values("category"), key="hl_categories", placeholder="全部类型")
    channels = c5.multiselect("受理渠道", values("channel"), key="hl_channels", placeholder="全部渠道")
    return HotlineFilter(_month(m_from), _month(m_to), tuple(counties), tuple(departments), tuple(categories), tuple(channels))
