"""The shape of a 月度简报, shared by the content (dashboard.brief.content) and its two renderings (pdf, word): a cover,
sections of narrative, figures, charts and tables, and a 数据说明 page. Every value is already text as printed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

OFFICE = "曲靖市人民政府办公室"
TITLE = "曲靖市运行监测月度简报"
DEMO_MARK = "演示数据"
FIGURE_COLUMNS = ("指标", "本月", "目标", "达标", "环比", "同比")


@dataclass
class Table:
    title: str
    frame: pl.DataFrame  # every column text, headers in Chinese
    widths: tuple[float, ...] | None = None  # relative column widths; the page width is shared out in this ratio
    note: str | None = None


@dataclass
class Chart:
    title: str
    png: bytes  # drawn at CHART_DPI (dashboard.brief.charts)
    width_cm: float = 16.0


@dataclass
class Section:
    title: str
    narrative: list[str] = field(default_factory=list)
    figures: Table | None = None
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    demo: bool = False  # its figures rest on 演示数据


@dataclass
class Briefing:
    month: dt.date
    scope: str  # 全市, 宣威市, or 宣威市 · 市住房和城乡建设局
    counties: tuple[str, ...]
    departments: tuple[str, ...]
    cut_off: str  # the data's cut-off as the warehouse records it
    built_at: str
    generated_at: dt.datetime
    demo: bool
    sections: list[Section]
    notes: list[tuple[str, str]]  # 数据说明: (heading, text)
    rules: list[Table] = field(default_factory=list)  # 数据说明 tables (time limits, warning rules)

    @property
    def month_text(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    @property
    def highlights(self) -> list[str]:
        """The cover's 本期要点: each section's first sentence."""
        return [f"{s.title}：{s.narrative[0]}" for s in self.sections if s.narrative]

    @property
    def stem(self) -> str:
        return file_stem(self.month, self.scope)


def scope_text(counties=(), departments=()) -> str:
    """全市, 宣威市, or 宣威市 · 市住房和城乡建设局: what a briefing covers, on its cover and in its file name."""
    return " · ".join(p for p in ("、".join(counties) or "全市", "、".join(departments)) if p)


def file_stem(month: dt.date, scope: str) -> str:
    """A briefing's file name without extension: says month and scope (月度简报_2025-12_宣威市)."""
    from dashboard.export import safe_filename

    return safe_filename("月度简报", f"{month:%Y-%m}", scope.replace(" · ", "_"))
