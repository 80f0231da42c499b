"""The metric layer as the app reads it: each KPI's label, unit, format, precision, direction, target setting,
rule and source clause from warehouse/reference/metric.csv, and every other column's Chinese label from
column_label.csv. A KPI is one SQL column plus one row there; cards, tables, map legends, tooltips and
downloads render it through this module, so its label, rounding and target comparison are the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import polars as pl

from dashboard import fmt
from warehouse import reference


@dataclass(frozen=True)
class Metric:
    key: str
    domain: str
    label: str
    unit: str
    format: str  # pct | count | number
    precision: int
    direction: str  # higher | lower | neutral
    target_setting: str | None
    formula: str
    source: str
    query: str  # the query (dashboard/queries/<query>.sql, or a reshape in dashboard.queries) whose column it is

    @property
    def header(self) -> str:
        """Column header in tables and downloads: 按期办结率(%)、平均办结用时(工作日)、工单量."""
        return self.label if self.format == "count" else f"{self.label}({self.unit})"

    @property
    def higher_is_better(self) -> bool:
        return self.direction != "lower"

    @property
    def pattern(self) -> str:
        """A str.format pattern for one value (map tooltips and legends)."""
        return {"pct": f"{{:.{self.precision}f}}%", "count": "{:,.0f}"}.get(self.format, f"{{:.{self.precision}f}}")

    def rounded(self, value: float | None) -> float | None:
        return None if value is None else round(value, self.precision)

    def show(self, value: float | None) -> str:
        """A value as a card shows it: 96.3%、8,641 件、2.41 (the unit of a plain number is in the card's label,
        so a narrow card never cuts it off)."""
        if value is None:
            return "—"
        if self.format == "pct":
            return fmt.pct(value, self.precision)
        if self.format == "count":
            return fmt.count(int(value), f" {self.unit}")
        return f"{value:,.{self.precision}f}"

    def target(self, settings: dict) -> float | None:
        return settings.get(self.target_setting) if self.target_setting else None

    def card_label(self, settings: dict) -> str:
        t = self.target(settings)
        if t is not None:
            return f"{self.label}（目标 {'≥' if self.higher_is_better else '≤'}{t:g}{self.unit}）"
        return f"{self.label}（{self.unit}）" if self.format == "number" else self.label

    def meets(self, value: float | None, settings: dict) -> bool | None:
        """Whether the value meets the target, compared as shown (at the metric's precision); None without a target."""
        t = self.target(settings)
        if t is None or value is None:
            return None
        v = self.rounded(value)
        return v >= t if self.higher_is_better else v <= t

    def rule(self, settings: dict | None = None) -> str:
        """The formula in words, its {setting} placeholders filled from the settings (2 小时, 30 天, 0.5 分 …)."""
        return self.formula.format_map({k: f"{v:g}" for k, v in (settings or {}).items()})

    def help(self, settings: dict | None = None) -> str:
        """The rule where the figure is shown: formula, target and the clause it comes from."""
        t = self.target(settings or {})
        target = f"；目标 {'≥' if self.higher_is_better else '≤'}{t:g}{self.unit}" if t is not None else ""
        return f"{self.label} = {self.rule(settings)}{target}。依据：{self.source}"

    def badge(self, container, value: float | None, settings: dict, extra: str = "") -> None:
        """达标 / 未达标 under a card (container: a Streamlit column)."""
        met = self.meets(value, settings)
        container.badge(
            ("达标" if met else "未达标") + extra,
            color="green" if met else "red",
            icon=":material/check:" if met else ":material/close:",
        )

    def delta(self, now: float | None, before: float | None) -> str | None:
        """A change as a card shows it: rates in 个百分点, counts in their unit; None when either side is missing."""
        if now is None or before is None:
            return None
        d = round(now - before, self.precision)
        if d == 0:
            return FLAT  # never "+0.0" or "-0.0"
        if self.format == "pct":
            return f"{d:+.{self.precision}f} 个百分点"
        return f"{d:+,.{self.precision}f} {self.unit}"


FLAT = "持平"  # a change that rounds to nothing


def delta_style(delta: str | None, color: str = "normal") -> dict:
    """st.metric's arrow and colour for a change: none for 持平 (Streamlit would draw a green rise for any text without
    a leading minus)."""
    flat = bool(delta) and delta.startswith(FLAT)
    return {"delta_color": "off" if flat else color, "delta_arrow": "off" if flat else "auto"}


@cache
def _metrics() -> dict[str, Metric]:
    df = reference.load("metric")
    return {
        r["key"]: Metric(**{**r, "precision": int(r["precision"]), "target_setting": r["target_setting"] or None})
        for r in df.iter_rows(named=True)
    }


@cache
def _labels() -> dict[tuple[str, str], str]:
    """(column, domain) -> label; domain '' is the label everywhere the domain has none of its own."""
    df = reference.load("column_label").with_columns(pl.col("domain").fill_null(""))
    return {(c, d): lab for c, d, lab in df.select("column", "domain", "label").iter_rows()}


def metric(key: str) -> Metric:
    return _metrics()[key]


def of(domain: str) -> list[Metric]:
    return [m for m in _metrics().values() if m.domain == domain]


def with_targets(domain: str) -> list[str]:
    """The metrics that have a target (for the hotline: the 附件3 三率), in the metric file's order."""
    return [m.key for m in of(domain) if m.target_setting]


def label(column: str, domain: str = "") -> str:
    """A column's Chinese header: a metric's header, else its label in column_label.csv (the domain's own, where
    the same column means something else there: period is 考核期间 for a concession, 期间 for an indicator)."""
    m = _metrics().get(column)
    if m:
        return m.header
    labels = _labels()
    return labels.get((column, domain)) or labels[(column, "")]


def labelled(df: pl.DataFrame, domain: str = "") -> pl.DataFrame:
    """Every column of df under its Chinese header."""
    return df.rename({c: label(c, domain) for c in df.columns})


def table(df: pl.DataFrame, columns: list[str], dim: str | None = None, domain: str = "") -> pl.DataFrame:
    """The columns, in order, under their Chinese headers; metrics rounded to their precision. A query grouped
    "by" something returns it as `dim`: `dim` names what it is (county → 区县)."""
    metrics = _metrics()
    return df.select(
        (pl.col(c).round(metrics[c].precision) if c in metrics and metrics[c].format != "count" else pl.col(c)).alias(
            label(dim, domain) if c == "dim" and dim else label(c, domain)
        )
        for c in columns
    )
