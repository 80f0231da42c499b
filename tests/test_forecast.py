"""Volume forecasts (etl/forecast.py): the method by the series' length, figures worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from etl.forecast import FORECAST_MONTHS, forecast_series, forecasts


def months(n: int, first: dt.date = dt.date(2022, 1, 1)) -> list[dt.date]:
    k = first.year * 12 + first.month - 1
    return [dt.date((k + i) // 12, (k + i) % 12 + 1, 1) for i in range(n)]


def test_a_short_series_gets_the_naive_forecast_widening_month_by_month():
    # last value 15; month-on-month differences 2, -1, 4: sample sd √(19/3) = 2.5166
    method, f = forecast_series(months(4), np.array([10.0, 12.0, 11.0, 15.0]))
    assert method == "朴素（上月）" and f["forecast"].tolist() == [15.0, 15.0, 15.0]
    sd = math.sqrt(19 / 3)
    assert f["lo80"][0] == pytest.approx(15 - 1.2816 * sd, abs=1e-3)  # 11.775
    assert f["hi95"][1] == pytest.approx(15 + 1.96 * sd * math.sqrt(2), abs=1e-2)  # 21.976: h = 2
    assert forecast_series(months(2), np.array([10.0, 12.0])) is None  # fewer than 3 months


def test_a_year_of_data_gets_the_seasonal_naive_forecast():
    # 14 months 1..14: the next three are the same months a year earlier (3, 4, 5); every year-on-year difference is
    # 12, so the interval has no width
    method, f = forecast_series(months(14), np.arange(1.0, 15.0))
    assert method == "季节朴素（去年同月）" and f["forecast"].tolist() == [3.0, 4.0, 5.0]
    assert f["lo95"].tolist() == f["hi95"].tolist() == [3.0, 4.0, 5.0]


def test_two_years_or_more_get_exponential_smoothing():
    t = np.arange(48)
    y = 100 + 10 * np.sin(2 * np.pi * t / 12) + t + np.random.default_rng(1).normal(0, 3, 48)
    method, f = forecast_series(months(48), y)
    truth = 100 + 10 * np.sin(2 * np.pi * np.arange(48, 51) / 12) + np.arange(48, 51)
    assert method == "ETS（指数平滑）" and np.all(np.abs(f["forecast"] - truth) < 10)
    assert np.all((f["lo95"] < f["lo80"]) & (f["lo80"] < f["forecast"]) & (f["forecast"] < f["hi80"]) & (f["hi80"] < f["hi95"]))


def test_series_are_filled_and_named():
    """A month without tickets counts 0 (2022-03 here); 全市 is the whole city (county NULL); never below 0."""
    series = pl.DataFrame(
        {
            "series": ["全市", "全市", "全市", "会泽县", "会泽县", "会泽县"],
            "month": [dt.date(2022, 1, 1), dt.date(2022, 2, 1), dt.date(2022, 4, 1), *months(3)],
            "volume": [5.0, 3.0, 1.0, 2.0, 2.0, 2.0],
        }
    )
    out = forecasts(series)
    city = out.filter(pl.col("county").is_null())
    assert city["history_months"][0] == 4 and city["forecast"].to_list() == [1.0] * FORECAST_MONTHS  # 5, 3, 0, 1
    assert city["month"].to_list() == [dt.date(2022, 5, 1), dt.date(2022, 6, 1), dt.date(2022, 7, 1)]
    assert (out["lo95"] >= 0).all()
    flat = out.filter(pl.col("county") == "会泽县")
    assert flat["lo95"].to_list() == flat["hi95"].to_list() == [2.0, 2.0, 2.0]


def test_the_etl_fits_on_one_blas_thread():
    """OpenBLAS starts a worker per core, which spins through the fits of these small series: at 10 M the fits used
    1.7 s of CPU for 0.9 s of work, taken from DuckDB building the other models beside them. The ETL loads numpy with
    one BLAS thread; a process's threads are counted before any other library starts its own."""
    import os
    import subprocess
    import sys

    from warehouse.paths import PROJECT_ROOT

    count = "import {}, numpy, os; print(len(os.listdir('/proc/self/task')))"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    threads = lambda first: int(subprocess.check_output([sys.executable, "-c", count.format(first)], cwd=PROJECT_ROOT, env=env, text=True))  # noqa: E731
    if os.cpu_count() > 1:
        assert threads("sys") > 1  # numpy alone starts OpenBLAS's workers on this machine
    assert threads("etl") == 1
