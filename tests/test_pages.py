"""AppTest for every page: each renders with no exception against a warehouse built from the real
gazette, and changing a filter changes what is shown (expected figures counted in the gazette)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from warehouse.contract import WAREHOUSE_SCHEMA_VERSION

TIMEOUT = 60


def page(name: str) -> AppTest:
    """Run a page's body the way the real server does after navigation (shared set-up included)."""
    return AppTest.from_string(f"from dashboard.views.{name} import render\nrender()\n", default_timeout=TIMEOUT).run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_app_entry_opens_the_overview(app_env):
    at = ok(AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=TIMEOUT).run())
    assert at.title[0].value == "总览"


def test_the_app_freezes_what_its_first_run_loaded(app_env):
    """Streamlit collects every generation after each run, walking every object of the process: at 10 M tickets that
    was 80 of the 190 ms of server CPU a county change cost. After the first run, what is alive is frozen out of it."""
    import gc

    from dashboard import memory

    memory.freeze_once.cache_clear()
    gc.unfreeze()
    try:
        ok(AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=TIMEOUT).run())
        assert gc.get_freeze_count() > 10_000  # the modules of streamlit, polars, plotly … at least
    finally:
        gc.unfreeze()


def test_overview(app_env):
    at = ok(page("overview"))
    assert metric(at, "主要指标") == "20 项"
    assert metric(at, "规划总投资（印刷合计）") == "575.72 亿元"  # 5,757,153.29 万元
    assert metric(at, "印刷合计与分项之和之差") == "1.50 亿元"  # the 15,000 万元 of 特色产业发展工程
    assert metric(at, "归并热线") == "38 条"
    assert next(m.delta for m in at.metric if m.label == "归并热线") == "整体并入 23 · 双号并行 15"
    assert metric(at, "所选期间大事记") == "186 条"
    assert metric(at, "其中实质差异") == "4 条"
    # the gazette's chronicle starts in August 2022: no comparison with July (once shown as +186 against nothing)
    assert not next(m.delta for m in at.metric if m.label == "所选期间大事记")
    assert any(c.value == "环比 —（上期早于大事记资料起点 2022-08）" for c in at.caption)


def test_overview_compares_no_chronicle_outside_its_record():
    """The gazette's chronicle covers August 2022. 2024-01 to 2024-06 against 2023-07 to 2023-12: neither period has
    a record (0 against 0 was shown as +0 条 环比); 2022-08 against 2022-07: the previous month is before it."""
    import datetime as dt

    from dashboard.filters import Scope
    from dashboard.views.overview import chronicle_gap

    first, last = dt.date(2022, 8, 1), dt.date(2022, 8, 31)
    h1, h2 = Scope(dt.date(2024, 1, 1), dt.date(2024, 6, 1)), Scope(dt.date(2023, 7, 1), dt.date(2023, 12, 1))
    assert chronicle_gap(h1, h2, first, last) == "所选期间不在大事记资料范围（2022-08 至 2022-08）内"
    aug, jul = Scope(dt.date(2022, 8, 1), dt.date(2022, 8, 1)), Scope(dt.date(2022, 7, 1), dt.date(2022, 7, 1))
    assert chronicle_gap(aug, jul, first, last) == "上期早于大事记资料起点 2022-08"
    sep = Scope(dt.date(2022, 9, 1), dt.date(2022, 9, 1))
    assert chronicle_gap(sep, aug, first, dt.date(2022, 9, 30)) is None


def test_plan_page_and_binding_filter(app_env):
    at = ok(page("plan"))
    assert metric(at, "约束性指标") == "13 项"
    assert at.dataframe[0].value.shape[0] == 20
    at.multiselect(key="plan_binding").select("预期性").run()
    ok(at)
    shown = at.dataframe[0].value
    assert shown.shape[0] == 7
    assert set(shown["指标属性"]) == {"预期性"}
    assert list(shown["序号"]) == [4, 5, 13, 17, 18, 19, 20]


def test_plan_page_investment_year(app_env):
    at = AppTest.from_string("from dashboard.views.plan import render\nrender()\n", default_timeout=TIMEOUT)
    at.query_params["plan_tab"] = "投资规模（专栏11–16）"  # a page draws only its open tab
    at = ok(at.run())
    assert any("实质差异" in w.value for w in at.warning)
    at.selectbox(key="plan_period").select("2021").run()
    ok(at)
    printed = next(df.value for df in at.dataframe if "项目分类" in df.value.columns)
    total = printed[printed["项目分类"] == "合计"].iloc[0]
    assert (total["合计"], total["财政衔接资金"], total["其他财政资金"], total["其他资金"]) == (721357.45, 225072.76, 286337.59, 209947.09)
    assert len(printed) == 10
    assert list(printed.columns) == ["项目分类", "合计", "财政衔接资金", "其他财政资金", "其他资金"]


def test_chronicle_page_filters(app_env):
    at = ok(page("chronicle"))
    assert metric(at, "事件") == "186 条"
    # six entries of the 大事记 name 罗平 (罗平县, 罗平花海…): counted in the gazette text
    at.multiselect(key="g_counties").select("罗平县").run()
    ok(at)
    assert metric(at, "事件") == "6 条"
    assert at.dataframe[0].value.shape[0] == 6
    at.multiselect(key="g_counties").unselect("罗平县").run()
    at.text_input(key="chr_keyword").input("招商").run()
    ok(at)
    assert metric(at, "事件") == "5 条"  # five entries contain 招商


def test_chronicle_leader_and_county_filter(app_env):
    at = ok(page("chronicle"))
    leader = next(o for o in at.multiselect(key="chr_leaders").options if o.startswith("何长松"))
    at.multiselect(key="chr_leaders").select(leader).run()
    ok(at)
    # 副市长何长松 is named in 18 entries of August 2022
    assert metric(at, "事件") == "18 条"
    at.multiselect(key="g_counties").select("陆良县").run()
    ok(at)
    # his entries of 1, 12, 25 and 30 August go to 陆良县 (counted in the gazette)
    assert metric(at, "事件") == "4 条"
    assert any("陆良县 · 2022-08 至 2022-08" in m.value for m in at.markdown)


def test_link_sets_the_scope_and_bad_values_are_noted(app_env):
    at = AppTest.from_string("from dashboard.views.chronicle import render\nrender()\n", default_timeout=TIMEOUT)
    at.query_params["county"] = "罗平,火星区"
    at.query_params["from"] = "1999-01"
    at.run()
    ok(at)
    assert metric(at, "事件") == "6 条"  # 罗平 is read as 罗平县
    notes = [w.value for w in at.sidebar.warning]
    assert any("火星区" in n for n in notes) and any("1999-01" in n for n in notes)
    assert at.query_params["county"] == "罗平县"  # the URL now says what is shown


def test_page_filters_travel_in_the_link(app_env):
    """A copied link carries the page's own filters too: 领导 and 关键词 here. An unknown 领导 is dropped with a note;
    after the run the URL holds exactly what is on screen."""
    at = AppTest.from_string("from dashboard.views.chronicle import render\nrender()\n", default_timeout=TIMEOUT)
    at.query_params["from"] = "2022-08"
    at.query_params["to"] = "2022-08"
    at.query_params["chr_leaders"] = "何长松（副市长）,火星人"
    at.run()
    ok(at)
    assert at.multiselect(key="chr_leaders").value == ["何长松（副市长）"]
    assert metric(at, "事件") == "18 条"  # as chosen by hand in test_chronicle_leader_and_county_filter
    assert any("链接中的领导“火星人”无法识别" in w.value for w in at.warning)
    assert at.query_params["chr_leaders"] == "何长松（副市长）" and at.query_params["from"] == "2022-08"
    at.text_input(key="chr_keyword").input("招商").run()
    ok(at)
    assert at.query_params["chr_keyword"] == "招商" and at.query_params["chr_leaders"] == "何长松（副市长）"
    at.multiselect(key="chr_leaders").unselect("何长松（副市长）").run()
    assert "chr_leaders" not in at.query_params


def test_chronicle_empty_filter_says_why(app_env):
    at = ok(page("chronicle"))
    at.text_input(key="chr_keyword").input("不存在的关键词").run()
    ok(at)
    assert metric(at, "事件") == "0 条"
    assert any("没有大事记" in i.value for i in at.info)


def test_status_page(app_env):
    at = ok(page("status"))
    assert metric(at, "最近一次 ETL") == "成功"
    at.multiselect(key="status_severity").select("实质差异").run()
    ok(at)
    findings = next(df.value for df in at.dataframe if "级别" in df.value.columns)
    assert len(findings) == 4 and set(findings["级别"]) == {"实质差异"}


def test_pages_explain_a_missing_warehouse(tmp_path, monkeypatch):
    import streamlit as st

    from dashboard import db

    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "none.duckdb"))
    db.close()
    st.cache_data.clear()
    for name in ("overview", "plan", "chronicle", "status"):
        at = AppTest.from_string(f"from dashboard.views.{name} import render\nrender()\n", default_timeout=TIMEOUT).run()
        assert not at.exception
        assert "数据仓库尚未生成" in at.error[0].value


def test_pages_refuse_a_warehouse_of_another_version(warehouse, tmp_path, monkeypatch):
    """After an upgrade, the old warehouse file lacks the new tables: the pages say to run the ETL."""
    import shutil

    import duckdb

    from tests.conftest import serving

    old = tmp_path / "old.duckdb"
    shutil.copy2(warehouse, old)
    con = duckdb.connect(str(old))
    con.execute("UPDATE warehouse_info SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with serving(old, monkeypatch):
        for name in ("overview", "hotline"):
            at = page(name)
            assert not at.exception
            assert (
                f"结构版本（1）与当前程序（{WAREHOUSE_SCHEMA_VERSION}）不一致" in at.error[0].value
                and "python -m etl run" in at.error[0].value
            )


@pytest.mark.parametrize("name", ["overview", "plan", "chronicle", "status"])
def test_page_files_are_thin(name):
    body = (ROOT / "pages" / f"{name}.py").read_text(encoding="utf-8").strip().splitlines()
    assert body == [f"from dashboard.views.{name} import render", "", "render()"]


def test_alerts_page(app_env):
    """The gazette and seven tickets of 2022, judged now: every domain is older than its expected refresh, and the
    plan monitoring and gas concessions have no data at all (freshness_rules.csv)."""
    at = ok(page("alerts"))
    assert metric(at, "关注") == "5 条" and metric(at, "严重") == "0 条" and metric(at, "新增") == "5 条"
    table = at.dataframe[0].value
    assert set(table["预警类型"]) == {"数据未按期更新"}
    assert {"规划指标监测还没有数据", "燃气特许经营评分还没有数据"} <= set(table["预警内容"])
    assert "—" in set(table["数值"]) and "None" not in set(table["数值"])  # no figure without data: a dash, not None
    assert set(table["区县"]) == {""}  # a city-wide warning: an empty cell, not None
    rules = at.dataframe[1].value
    assert len(rules) == 17  # every rule of alert_rules.csv, with its threshold
