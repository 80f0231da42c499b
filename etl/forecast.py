"""Monthly 12345 volume forecasts, fitted at publish: the next FORECAST_MONTHS months for the whole city and for each
county, with 80% and 95% prediction intervals, into the table hotline_forecast (12345热线 draws them on its trend).

The method depends on the series' length (full months only: a month the data cut-off falls inside is left out):
- 24 months or more: exponential smoothing (statsmodels ETSModel: additive error, damped additive trend, additive
  12-month season), intervals from the model;
- 12 to 23 months: seasonal naive (the same month a year earlier), intervals from the spread of the year-on-year
  differences;
- 3 to 11 months: naive (the last month), intervals from the spread of the month-on-month differences, widening with
  the horizon;
- fewer: no forecast.
A series whose model fails to fit falls back to the next method, and says so in its method column."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import warnings

import numpy as np
import pandas as pd
import polars as pl

log = logging.getLogger(__name__)

FORECAST_MONTHS = 3
Z = {80: 1.2815515655446004, 95: 1.959963984540054}  # two-sided normal quantiles
CITY = "全市"


def _months_after(last: dt.date, n: int) -> list[dt.date]:
    k = last.year * 12 + last.month - 1
    return [dt.date((k + i) // 12, (k + i) % 12 + 1, 1) for i in range(1, n + 1)]


def warm_up() -> None:
    """Imports the fitting library ahead (publish.start runs it in a thread while the inbox is read)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel  # noqa: F401


def _ets(y: pd.Series, horizon: int) -> dict[str, np.ndarray]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; a failed fit raises and falls back
        fit = ETSModel(y, error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=12).fit(disp=False)
        prediction = fit.get_prediction(start=len(y), end=len(y) + horizon - 1)
        out = {"forecast": np.asarray(prediction.predicted_mean)}
        for level in Z:
            frame = prediction.summary_frame(alpha=1 - level / 100)
            out[f"lo{level}"], out[f"hi{level}"] = frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy()
    if not np.all(np.isfinite(out["forecast"])):
        raise ValueError("non-finite forecast")
    return out


def _naive(values: np.ndarray, horizon: int, season: int) -> dict[str, np.ndarray]:
    """Seasonal naive (season 12) or naive (season 1): the value one season back, ± z·sd of the season-on-season
    differences (× √h for the naive method, whose error accumulates month by month)."""
    diffs = values[season:] - values[:-season]
    sd = float(np.std(diffs, ddof=1)) if len(diffs) > 1 else float(abs(diffs[0])) if len(diffs) else 0.0
    h = np.arange(1, horizon + 1)
    mean = values[len(values) - season + (h - 1) % season] if season > 1 else np.repeat(values[-1], horizon)
    spread = sd * (np.sqrt(h) if season == 1 else np.ones(horizon))
    out = {"forecast": mean.astype(float)}
    for level, z in Z.items():
        out[f"lo{level}"], out[f"hi{level}"] = mean - z * spread, mean + z * spread
    return out


def forecast_series(months: list[dt.date], values: np.ndarray, horizon: int = FORECAST_MONTHS) -> tuple[str, dict] | None:
    """(method, {forecast, lo80, hi80, lo95, hi95}) for one monthly series, or None when it is too short."""
    n = len(values)
    if n >= 24:
        try:
            y = pd.Series(values, index=pd.DatetimeIndex(pd.to_datetime(months), freq="MS"))
            return "ETS（指数平滑）", _ets(y, horizon)
        except Exception as e:  # noqa: BLE001 — any failure of the fit falls back to the simpler method, logged
            log.warning("ETS did not fit (%s): seasonal naive instead", e)
    if n >= 12:
        return "季节朴素（去年同月）", _naive(values, horizon, 12)
    if n >= 3:
        return "朴素（上月）", _naive(values, horizon, 1)
    return None


def forecasts(series: pl.DataFrame, horizon: int = FORECAST_MONTHS) -> pl.DataFrame:
    """series: series, month, volume (one row per month with data). Months without tickets inside a series count 0;
    a forecast never goes below 0."""
    frames = []
    for (name,), part in series.sort("month").group_by("series", maintain_order=True):
        first, last = part["month"].min(), part["month"].max()
        span = (last.year - first.year) * 12 + last.month - first.month + 1
        months = [first] + _months_after(first, span - 1)
        values = pl.DataFrame({"month": months}).join(part, on="month", how="left")["volume"].fill_null(0).to_numpy()
        fitted = forecast_series(months, values, horizon)
        if fitted is None:
            continue
        method, f = fitted
        frames.append(
            pl.DataFrame(
                {
                    "county": None if name == CITY else name,
                    "month": _months_after(last, horizon),
                    **{k: np.maximum(v, 0.0) for k, v in f.items()},
                    "method": method,
                    "history_months": len(values),
                },
                schema_overrides={"county": pl.Utf8},
            )
        )
    return pl.concat(frames) if frames else pl.DataFrame()


class Fitting:
    """The fits of one warehouse's series, running in a thread (statsmodels holds the GIL, DuckDB does not: an
    incremental publish builds its remaining models meanwhile)."""

    def __init__(self, series: pl.DataFrame):
        self._frame: pl.DataFrame | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._fit, args=(series,), name="forecast-fit", daemon=True)
        self._thread.start()

    def _fit(self, series: pl.DataFrame) -> None:
        try:
            self._frame = forecasts(series)
        except BaseException as e:  # noqa: BLE001 — raised again in the publishing thread by result()
            self._error = e

    def result(self) -> pl.DataFrame:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._frame


def start(con) -> Fitting:
    """Reads the series of the built hotline_cube and starts fitting them (finish() loads the result)."""
    from etl.publish import sql_file

    return Fitting(con.sql(sql_file("publish/forecast_series.sql")).pl())


def finish(con, fitting: Fitting) -> None:
    """Loads hotline_forecast from the fits."""
    from etl.publish import load_frame

    frame = fitting.result()
    if frame.height:
        load_frame(con, "hotline_forecast", frame)
    log.info("forecast: %d series, %d months ahead", frame["county"].n_unique() if frame.height else 0, FORECAST_MONTHS)


def load(con) -> None:
    """Fit every series of the built warehouse and load hotline_forecast."""
    finish(con, start(con))
