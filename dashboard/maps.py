"""County maps with pydeck: boundaries from data/geo on a plain background (no tiles, works offline)."""

from __future__ import annotations

import json
from functools import cache

import polars as pl
import pydeck as pdk

from warehouse.paths import DATA_DIR

GEOJSON = DATA_DIR / "geo" / "qujing_counties.geojson"
LOW, HIGH = (222, 235, 247), (8, 48, 107)  # light to dark blue
LAYER_ID = "counties"


def clicked_county(event) -> str | None:
    """The county a user clicked on a map drawn with on_select="rerun", if any."""
    try:
        objects = event.selection.objects.get(LAYER_ID) or []
    except AttributeError:
        return None
    return objects[0].get("properties", {}).get("name") if objects else None


@cache
def _geometry() -> dict:
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


def county_map(values: pl.DataFrame, metric, zoom: float = 7.2) -> pdk.Deck:
    """values: county, value of one metric (dashboard.metrics.Metric). Shaded by value (darker = higher), tooltip
    县区 · 指标 · 值 · 排名 (rank 1 is the best: the highest, or the lowest for a metric where lower is better)."""
    data = {r["county"]: r["value"] for r in values.iter_rows(named=True) if r["value"] is not None}
    ranked = sorted(data, key=lambda c: data[c], reverse=metric.higher_is_better)
    lo, hi = (min(data.values()), max(data.values())) if data else (0, 1)
    features = []
    for feat in _geometry()["features"]:
        name = feat["properties"]["name"]
        v = data.get(name)
        t = 0.0 if v is None or hi == lo else (v - lo) / (hi - lo)
        color = [round(a + (b - a) * t) for a, b in zip(LOW, HIGH, strict=True)] + [220] if v is not None else [230, 230, 230, 200]
        props = {
            "name": name,
            "metric": metric.header,
            "value": metric.pattern.format(v) if v is not None else "无数据",
            "rank": f"第 {ranked.index(name) + 1} / {len(ranked)} 名" if v is not None else "—",
            "fill": color,
        }
        features.append({**feat, "properties": props})
    layer = pdk.Layer(
        "GeoJsonLayer",
        {"type": "FeatureCollection", "features": features},
        pickable=True,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color=[255, 255, 255],
        line_width_min_pixels=1.5,
    )
    view = pdk.ViewState(latitude=25.55, longitude=103.85, zoom=zoom, pitch=0)
    return pdk.Deck(
        layers=[layer],
        initial_view_state=view,
        map_style=None,
        map_provider=None,
        tooltip={"html": "<b>{name}</b><br/>{metric}：{value}<br/>{rank}", "style": {"fontSize": "13px"}},
    )


def legend(values: pl.DataFrame, metric) -> str:
    vals = values["value"].drop_nulls()
    if vals.is_empty():
        return f"{metric.header}：无数据"
    low, high = metric.pattern.format(vals.min()), metric.pattern.format(vals.max())
    return f"颜色越深 {metric.header} 越高：最低 {low}（浅） → 最高 {high}（深）；灰色为无数据。"
