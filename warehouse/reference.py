"""Reference tables shipped in warehouse/reference/ (county dimension, aliases, keyword tables)."""

from __future__ import annotations

from functools import cache

import polars as pl

from warehouse.paths import REFERENCE_DIR


@cache
def load(name: str) -> pl.DataFrame:
    return pl.read_csv(REFERENCE_DIR / f"{name}.csv", infer_schema_length=0).with_columns(
        pl.col(c).cast(pl.Int64) for c in ("rank", "priority", "sort_order") if c in _columns(name)
    )


def _columns(name: str) -> list[str]:
    with open(REFERENCE_DIR / f"{name}.csv", encoding="utf-8") as f:
        return f.readline().strip().split(",")


def counties() -> pl.DataFrame:
    return load("county").with_columns(
        pl.col("sort_order"),
        pl.col("is_city_total") == "true",
        *(pl.col(c).cast(pl.Float64) for c in ("seat_lon", "seat_lat", "centroid_lon", "centroid_lat", "area_km2")),
    )


def county_aliases(in_text_only: bool = False) -> pl.DataFrame:
    df = load("county_alias").with_columns(pl.col("in_text") == "true")
    return df.filter(pl.col("in_text")) if in_text_only else df
