"""The working-day calendar: official holidays, adjusted working weekends, fallback and overrides."""

import datetime as dt

import polars as pl
import pytest

from etl.calendar import build_calendar, load_overrides
from etl.config import calendar_end

END = dt.date(2027, 12, 31)  # a calendar as a run in 2026 on data up to 2026 builds it


@pytest.fixture(scope="module")
def cal():
    return build_calendar(END)


def test_calendar_end_follows_the_data_and_the_run():
    run = dt.datetime(2026, 11, 29, 21, 0)
    assert calendar_end(dt.datetime(2025, 12, 31, 23, 0), run) == dt.date(2027, 12, 31)  # the run's year + 1
    assert calendar_end(None, run) == dt.date(2027, 12, 31)
    assert calendar_end(dt.datetime(2028, 3, 1), dt.datetime(2028, 3, 2)) == dt.date(2029, 12, 31)  # the data's year + 1


def day(cal, d):
    return cal.filter(pl.col("date") == d).row(0, named=True)


def test_range_and_columns(cal):
    c, _ = cal
    assert c["date"].min() == dt.date(2020, 1, 1) and c["date"].max() == dt.date(2027, 12, 31)
    assert c.height == 366 + 365 * 3 + 366 + 365 * 3  # 2020 and 2024 are leap years


def test_national_day_2022(cal):
    c, _ = cal
    for d in range(1, 8):
        r = day(c, dt.date(2022, 10, d))
        assert (r["is_workday"], r["day_kind"], r["holiday_name"]) == (False, "法定节假日", "国庆节")
    # Saturday 8 and Sunday 9 October 2022 were working days (调休)
    for d in (8, 9):
        r = day(c, dt.date(2022, 10, d))
        assert r["weekday"] in (6, 7) and r["is_workday"] and r["day_kind"] == "调休上班"


def test_workday_no_is_consecutive_and_counts_working_days(cal):
    c, _ = cal
    w = c.filter(pl.col("is_workday"))["workday_no"]
    assert w.to_list() == list(range(1, w.len() + 1))
    # a non-working day carries the number of the working day before it
    assert day(c, dt.date(2022, 10, 1))["workday_no"] == day(c, dt.date(2022, 9, 30))["workday_no"]
    # 1 working day after Friday 30 Sep 2022 is Saturday 8 Oct (the holiday week does not count)
    target = day(c, dt.date(2022, 9, 30))["workday_no"] + 1
    assert c.filter(pl.col("is_workday") & (pl.col("workday_no") == target))["date"].to_list() == [dt.date(2022, 10, 8)]
    # 2022 by hand: 260 weekdays (starts on a Saturday: 105 weekend days)
    #   − 18 holidays on weekdays (元旦 1, 春节 5, 清明 2, 劳动节 3, 端午 1, 中秋 1, 国庆 5)
    #   + 7 adjusted working weekends (1/29, 1/30, 4/2, 4/24, 5/7, 10/8, 10/9) = 249
    assert c.filter((pl.col("year") == 2022) & pl.col("is_workday")).height == 249


def test_unknown_year_falls_back_to_weekends_with_a_warning(cal):
    c, warnings = cal
    assert [w["location"] for w in warnings] == ["calendar 2027"]
    assert warnings[0]["severity"] == "warning" and "holidays_override.csv" in warnings[0]["message"]
    y2027 = c.filter(pl.col("year") == 2027)
    assert set(y2027["calendar_source"]) == {"weekends_only"} and y2027["is_provisional"].all()
    assert not c.filter(pl.col("year") == 2026)["is_provisional"].any()
    assert y2027.filter(pl.col("is_workday")).height == y2027.filter(pl.col("weekday") <= 5).height
    assert day(c, dt.date(2027, 1, 1))["is_workday"]  # no holidays known for 2027 yet


def test_override_file_adds_a_year(tmp_path):
    f = tmp_path / "holidays_override.csv"
    f.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,workday,元旦\n", encoding="utf-8")
    c, warnings = build_calendar(END, overrides=load_overrides(f))
    assert warnings == []
    assert not day(c, dt.date(2027, 1, 1))["is_workday"]
    assert day(c, dt.date(2027, 1, 2))["is_workday"]  # a Saturday made a working day
    assert day(c, dt.date(2027, 1, 4))["calendar_source"] == "override"


def test_bad_override_row_names_file_row_and_column(tmp_path):
    f = tmp_path / "holidays_override.csv"
    f.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027/13/01,day-off,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"holidays_override.csv: row 3, column date/kind"):
        load_overrides(f)
