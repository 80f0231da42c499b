"""County maps with pydeck: boundaries from data/geo on a plain background (no tiles, works offline)."""

from __future__ import annotations

import html
import json
import math
from functools import cache

import polars as pl
import pydeck as pdk

from warehouse import reference
from warehouse.paths import DATA_DIR

GEOJSON = DATA_DIR / "geo" / "qujing_counties.geojson"
LOW, HIGH = (222, 235, 247), (8, 48, 107)  # light to dark blue
LAYER_ID = "counties"  # the layer's stable id: a click arrives as event.selection.objects[LAYER_ID]
SELECTED_LINE = [230, 126, 34]  # the chosen county's outline
WORLD_PX = 512  # deck.gl's tile size: the whole world at zoom 0 (not the 256 of raster tiles)
PHONE_MAP_WIDTH = 340  # the narrowest map drawn (a 390-px phone): the whole city fits it and any wider map
LABEL_SIZE = 12  # px
# pydeck reads a bare string as a JavaScript expression: a constant is wrapped in double quotes (which it strips)
LABEL_FONT = "\"'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif\""
LABEL_GLYPHS = '"auto"'  # deck.gl collects the glyphs the names need


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


@cache
def bounds() -> tuple[float, float, float, float]:
    """(west, south, east, north) of the city's boundaries."""
    xs, ys = [], []

    def walk(c):
        if isinstance(c[0], int | float):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for d in c:
                walk(d)

    for feat in _geometry()["features"]:
        walk(feat["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(height_px: int, width_px: int = PHONE_MAP_WIDTH, margin: float = 0.9) -> pdk.ViewState:
    """The view that shows the whole city in a map of this height, on a phone-width map as well as on a desk
    (deck.gl's Web Mercator world is WORLD_PX·2^zoom pixels across; latitude is stretched by the projection)."""
    west, south, east, north = bounds()
    across = width_px * margin * 360 / (WORLD_PX * (east - west))
    down = height_px * margin * 2 * math.pi / (WORLD_PX * (_mercator_y(north) - _mercator_y(south)))
    zoom = math.log2(min(across, down))
    centre_lat = math.degrees(2 * math.atan(math.exp((_mercator_y(north) + _mercator_y(south)) / 2)) - math.pi / 2)
    return pdk.ViewState(latitude=centre_lat, longitude=(west + east) / 2, zoom=round(zoom, 2), pitch=0, bearing=0)


def county_map(values: pl.DataFrame, metric, height_px: int, selected: str | None = None) -> pdk.Deck:
    """values: county, value of one metric (dashboard.metrics.Metric). Shaded by value (darker = higher), each
    county named on the map, the selected one outlined; tooltip 县区 · 指标 · 值 · 排名 (rank 1 is the best: the
    highest, or the lowest for a metric where lower is better). No basemap: nothing is fetched from outside."""
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
    shapes = pdk.Layer(
        "GeoJsonLayer",
        {"type": "FeatureCollection", "features": features},
        id=LAYER_ID,
        pickable=True,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color=[255, 255, 255],
        line_width_min_pixels=1.5,
    )
    # the chosen county: its outline drawn again on top, thick and orange (a layer of its own, not a per-feature
    # line width, which deck.gl drew as a flood over the whole map)
    outline = pdk.Layer(
        "GeoJsonLayer",
        {"type": "FeatureCollection", "features": [f for f in features if f["properties"]["name"] == selected]},
        id=f"{LAYER_ID}-selected",
        pickable=False,
        stroked=True,
        filled=False,
        get_line_color=SELECTED_LINE,
        line_width_min_pixels=4,
    )
    names = {f["properties"]["name"] for f in features}
    labels = [
        {
            "name": r["county_name"],
            "position": [r["centroid_lon"], r["centroid_lat"]],
            "color": [255, 255, 255] if (data.get(r["county_name"]) or lo) > (lo + hi) / 2 else [33, 33, 33],
        }
        for r in reference.counties().iter_rows(named=True)
        if r["county_name"] in names
    ]
    text = pdk.Layer(
        "TextLayer",
        labels,
        id=f"{LAYER_ID}-labels",
        get_position="position",
        get_text="name",
        get_size=LABEL_SIZE,
        get_color="color",
        character_set=LABEL_GLYPHS,
        font_family=LABEL_FONT,
        pickable=False,
    )
    return pdk.Deck(
        layers=[shapes, outline, text],
        initial_view_state=fit_view(height_px),
        # No basemap: map_provider None with pydeck's default map_style sentinel, which Streamlit draws without tiles, so
        # nothing is fetched from outside and no foreign map (without a 审图号) is shown. map_style None or "" would make
        # Streamlit add its theme's Carto tiles instead (tests/browser/test_leader.py watches the requests).
        map_provider=None,
        tooltip={"html": "<b>{name}</b><br/>{metric}：{value}<br/>{rank}", "style": {"fontSize": "13px"}},
    )


def legend(values: pl.DataFrame, metric, note: str = "") -> str:
    """The map's key as HTML (for st.html): a colour bar from the lowest to the highest value, with the metric's unit,
    and the grey of no data."""
    vals = values["value"].drop_nulls()
    if vals.is_empty():
        return f'<div class="qj-legend">{html.escape(metric.header)}：无数据</div>'
    low, high = metric.show(vals.min()), metric.show(vals.max())
    bar = f"linear-gradient(to right, rgb{LOW}, rgb{HIGH})"
    grey = "rgb(230, 230, 230)"
    return (
        '<div class="qj-legend" style="font-size:0.85rem;color:#555;line-height:1.6">'
        f"<b>{html.escape(metric.header)}</b>（颜色越深越高）<br/>"
        f'<span>{html.escape(low)}</span> <span style="display:inline-block;width:9rem;height:0.7rem;'
        f'background:{bar};vertical-align:middle;border-radius:2px"></span> <span>{html.escape(high)}</span>'
        f'　<span style="display:inline-block;width:0.8rem;height:0.7rem;background:{grey};vertical-align:middle"></span>'
        f" 无数据{html.escape(note)}</div>"
    )
