"""The official Chinese working-day calendar as a table, with a running working-day number.

Working-day arithmetic is then a join and a subtraction in SQL: the N-th working day after day D is
the working day whose workday_no equals D's workday_no + N (a non-working day carries the number of
the working day before it, so counting starts at the next working day).

Years that chinesecalendar does not know fall back to weekends only, with a warning finding, unless
warehouse/reference/holidays_override.csv lists that year's holidays (kind=holiday) and adjusted
working weekends (kind=workday).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import polars as pl
from chinese_calendar import constants

from etl.config import CALENDAR_START
from warehouse.paths import REFERENCE_DIR

log = logging.getLogger(__name__)

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


# what the run log, 数据状态 and the 12345 page say about a year without an official schedule
PROVISIONAL_NOTE = (
    "{year} 年的法定节假日与调休安排尚未录入（chinesecalendar 已知 {known} 年），该年工单的办理时限暂按“仅周末休息”计算，"
    "标记为临时。请在国务院办公厅公布该年安排后，在 warehouse/reference/holidays_override.csv 中逐日录入："
    "date（YYYY-MM-DD）、kind（放假为 holiday，调休上班为 workday）、name（节日名），然后重新运行 ETL，"
    "该年的办理时限、按期与否和考核得分会全部重算"
)


def _package_days() -> pl.DataFrame:
    def frame(days: dict, kind: str) -> pl.DataFrame:
        return pl.DataFrame(
            {"date": list(days), "kind": kind, "name": [HOLIDAY_NAMES_ZH.get(str(v), str(v)) for v in days.values()]},
            schema={"date": pl.Date, "kind": pl.Utf8, "name": pl.Utf8},
        )

    return pl.concat([frame(constants.holidays, "holiday"), frame(constants.workdays, "workday")])


def load_overrides(path: Path | None = None) -> pl.DataFrame:
    path = path or REFERENCE_DIR / "holidays_override.csv"
    df = pl.read_csv(path, schema={"date": pl.Utf8, "kind": pl.Utf8, "name": pl.Utf8})
    parsed = df.with_columns(pl.col("date").str.to_date("%Y-%m-%d", strict=False).alias("d"))
    bad = parsed.with_row_index("row", offset=2).filter(pl.col("d").is_null() | ~pl.col("kind").is_in(["holiday", "workday"]))
    if bad.height:
        r = bad.row(0, named=True)
        raise ValueError(
            f"{path.name}: row {r['row']}, column date/kind: expected YYYY-MM-DD and holiday|workday, got {r['date']!r}, {r['kind']!r}"
        )
    return parsed.select(pl.col("d").alias("date"), "kind", "name")


def build_calendar(end: dt.date, start: str = CALENDAR_START, overrides: pl.DataFrame | None = None) -> tuple[pl.DataFrame, list[dict]]:
    """Returns (calendar, warning findings). A year that neither chinesecalendar nor the override file knows is
    provisional: weekends only, is_provisional true, one finding that says what to do."""
    overrides = load_overrides() if overrides is None else overrides
    package = _package_days()
    package_years = set(package["date"].dt.year().unique().to_list())
    override_years = set(overrides["date"].dt.year().unique().to_list())
    days = pl.concat([package.with_columns(src=pl.lit("chinesecalendar")), overrides.with_columns(src=pl.lit("override"))])
    # an override wins over the package for the same date
    days = days.sort("src", descending=True).unique("date", keep="first")

    cal = (
        pl.DataFrame({"date": pl.date_range(dt.date.fromisoformat(start), end, "1d", eager=True)})
        .join(days, on="date", how="left")
        .with_columns(
            year=pl.col("date").dt.year(),
            month=pl.col("date").dt.month(),
            quarter=pl.col("date").dt.quarter(),
            weekday=pl.col("date").dt.weekday(),
        )
        .with_columns(
            is_weekend=pl.col("weekday") >= 6,
            calendar_source=pl.when(pl.col("year").is_in(list(override_years)))
            .then(pl.lit("override"))
            .when(pl.col("year").is_in(list(package_years)))
            .then(pl.lit("chinesecalendar"))
            .otherwise(pl.lit("weekends_only")),
        )
        .with_columns(
            is_workday=pl.when(pl.col("kind") == "workday")
            .then(True)
            .when(pl.col("kind") == "holiday")
            .then(False)
            .otherwise(~pl.col("is_weekend")),
        )
        .with_columns(
            day_kind=pl.when(pl.col("kind") == "workday")
            .then(pl.lit("调休上班"))
            .when(pl.col("kind") == "holiday")
            .then(pl.lit("法定节假日"))
            .when(pl.col("is_weekend"))
            .then(pl.lit("周末"))
            .otherwise(pl.lit("工作日")),
            holiday_name=pl.col("name"),
            workday_no=pl.col("is_workday").cast(pl.Int32).cum_sum(),
            month_start=pl.col("date").dt.truncate("1mo"),
            is_provisional=pl.col("calendar_source") == "weekends_only",
        )
        .select(
            "date",
            "year",
            "month",
            "quarter",
            "month_start",
            "weekday",
            "is_weekend",
            "is_workday",
            "day_kind",
            "holiday_name",
            "workday_no",
            "calendar_source",
            "is_provisional",
        )
    )
    warnings = []
    for year in cal.filter(pl.col("is_provisional"))["year"].unique().sort().to_list():
        msg = PROVISIONAL_NOTE.format(year=year, known=f"{min(package_years)}–{max(package_years)}")
        log.warning("calendar: %s", msg)  # once per run and year; the run goes on
        warnings.append(
            {
                "domain": "calendar",
                "source": "chinesecalendar",
                "location": f"calendar {year}",
                "printed": None,
                "computed": None,
                "difference": None,
                "severity": "warning",
                "check_name": "calendar_fallback",
                "message": msg,
            }
        )
    return cal, warnings
