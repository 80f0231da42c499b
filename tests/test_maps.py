"""The county map: the whole city in view, every county named, the chosen one outlined, no basemap."""

from __future__ import annotations

import json
import math

import polars as pl

from dashboard import maps, metrics


def _deck(selected=None, height=420):
    values = pl.DataFrame({"county": ["宣威市", "麒麟区"], "value": [90.0, 80.0]})
    return json.loads(maps.county_map(values, metrics.metric("on_time_rate"), height, selected=selected).to_json())


def _mercator(lat):
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def test_the_view_fits_the_whole_city_on_a_phone_and_a_desk():
    """The boundaries span 103.06°–104.83°E and 24.35°–27.06°N (data/geo); at the chosen zoom both spans fit a
    420-px-high, 340-px-wide map, and the view is centred on them."""
    west, south, east, north = maps.bounds()
    assert (round(west, 2), round(south, 2), round(east, 2), round(north, 2)) == (103.06, 24.35, 104.83, 27.06)
    view = maps.fit_view(420)
    scale = maps.WORLD_PX * 2**view.zoom  # deck.gl: 512 px for the world at zoom 0
    assert (east - west) * scale / 360 <= 340 and (_mercator(north) - _mercator(south)) * scale / (2 * math.pi) <= 420
    assert abs(view.longitude - (west + east) / 2) < 1e-6 and south < view.latitude < north


def test_every_county_is_named_and_the_chosen_one_outlined():
    deck = _deck(selected="宣威市")
    shapes, outline, labels = deck["layers"]
    assert shapes["id"] == maps.LAYER_ID and shapes["pickable"]  # a click arrives under this id
    assert labels["@@type"] == "TextLayer" and {d["name"] for d in labels["data"]} == {
        "麒麟区", "沾益区", "马龙区", "陆良县", "师宗县", "罗平县", "富源县", "会泽县", "宣威市",
    }  # fmt: skip
    # constants reach deck.gl as constants: pydeck turns a bare string into a JavaScript expression, and a label font or
    # glyph set sent that way drew no names
    assert labels["characterSet"] == "auto" and labels["fontFamily"].startswith("'Noto Sans CJK SC'")
    assert labels["getSize"] == maps.LABEL_SIZE and labels["getText"] == "@@=name"
    assert [f["properties"]["name"] for f in outline["data"]["features"]] == ["宣威市"]
    assert outline["getLineColor"] == maps.SELECTED_LINE and not outline["filled"] and not outline["pickable"]
    # no basemap: pydeck's sentinel, which Streamlit draws without tiles
    assert deck["mapStyle"] == "__MAP_STYLE__" and deck.get("mapProvider") is None


def test_the_legend_shows_the_range_with_its_unit():
    key = maps.legend(pl.DataFrame({"county": ["麒麟区", "宣威市", "会泽县"], "value": [12.0, 3400.0, None]}), metrics.metric("volume"))
    assert "<b>工单量</b>" in key and "<span>12 件</span>" in key and "<span>3,400 件</span>" in key and "无数据" in key
    key = maps.legend(
        pl.DataFrame({"county": ["麒麟区"], "value": [None]}, schema={"county": pl.Utf8, "value": pl.Float64}),
        metrics.metric("on_time_rate"),
    )
    assert "按期办结率(%)：无数据" in key
