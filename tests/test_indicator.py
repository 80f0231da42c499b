"""Plan-indicator monitoring: expected line and status on hand-made actuals (a floor indicator, a
qualitative one, one without a baseline), the projection, rejects, and the monitoring tab."""

from __future__ import annotations

import shutil

import pytest

from etl.pipeline import run
from tests.conftest import GAZETTE, fetch, serving

ACTUALS = """指标序号,区县,期间,数值,备注
11,麒麟区,2023,60%,
11,麒麟,2024,60,
农村义务教育巩固率,宣威市,2023,98.5,
14,宣威市,2024,97.9,
9,全市,2023,是,
9,全市,2024,否,
13,会泽县,2022,40,
13,会泽县,2024,70,
"""


@pytest.fixture(scope="module")
def mon_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("mon")
    inbox = root / "inbox"
    inbox.mkdir()
    shutil.copy2(GAZETTE, inbox / GAZETTE.name)
    (inbox / "监测_2024.csv").write_text(ACTUALS, encoding="utf-8")
    db = root / "w.duckdb"
    run(inbox, db, root / "lake")
    return db


q = fetch


def progress(db, seq, county, period):
    return q(
        db, f"SELECT actual, expected, status FROM indicator_progress WHERE seq = {seq} AND county = '{county}' AND period = '{period}'"
    )[0]


def test_on_the_line_from_baseline_to_target(mon_db):
    # 11 农村自然村道路硬化率: 51% (end of 2020) → 65% (end of 2025): 1,826 days
    actual, expected, status = progress(mon_db, 11, "麒麟区", "2023")
    assert (actual, status) == (60.0, "按进度")
    assert expected == pytest.approx(51 + 14 * 1095 / 1826)  # 59.40 at 2023-12-31
    actual, expected, status = progress(mon_db, 11, "麒麟区", "2024")
    assert (actual, status) == (60.0, "滞后")
    assert expected == pytest.approx(51 + 14 * 1461 / 1826)  # 62.20 at 2024-12-31


def test_floor_indicator(mon_db):
    # 14 农村义务教育巩固率: 99.47 → 98, a level to keep: at or above 98 is met even below the line
    actual, expected, status = progress(mon_db, 14, "宣威市", "2023")
    assert (actual, status) == (98.5, "已达标")
    assert expected == pytest.approx(99.47 - 1.47 * 1095 / 1826)  # 98.59, above the actual
    actual, expected, status = progress(mon_db, 14, "宣威市", "2024")
    assert (actual, status) == (97.9, "滞后")
    assert expected == pytest.approx(99.47 - 1.47 * 1461 / 1826)


def test_qualitative_indicator(mon_db):
    # 9 农村最低生活保障覆盖率: 应兜尽兜, reported as 是/否
    assert progress(mon_db, 9, "全市", "2023") == (1.0, None, "已达标")
    assert progress(mon_db, 9, "全市", "2024") == (0.0, None, "滞后")


def test_line_from_the_first_actual_where_no_baseline(mon_db):
    # 13 行政村 5G 网络覆盖率: baseline —, target 85%; line from 40 (end of 2022) to 85 (end of 2025), 1,096 days;
    # at the end of 2024 (731 days): 40 + 45 × 731 / 1096 = 70.01 > 70
    actual, expected, status = progress(mon_db, 13, "会泽县", "2024")
    assert (actual, status) == (70.0, "滞后")
    assert expected == pytest.approx(40 + 45 * 731 / 1096)
    assert progress(mon_db, 13, "会泽县", "2022") == (40.0, 40.0, "按进度")


def test_not_reported(mon_db):
    assert progress(mon_db, 11, "会泽县", "2023") == (None, pytest.approx(51 + 14 * 1095 / 1826), "未报送")
    # 20 indicators × 11 counties (10 + 全市) × 3 periods reported (2022, 2023, 2024)
    assert q(mon_db, "SELECT count(*) FROM indicator_progress") == [(20 * 11 * 3,)]


def test_projection(mon_db):
    # two equal points (60, 60) project 60 for 2025, short of 65
    assert q(mon_db, "SELECT points, round(projected, 6), on_track FROM indicator_projection WHERE seq = 11 AND county = '麒麟区'") == [
        (2, 60.0, False)
    ]
    # 40 at end-2022, 70 at end-2024 (731 days): 70 + 30 × 365 / 731 = 84.98 at end-2025, just short of 85
    got = q(mon_db, "SELECT projected, on_track FROM indicator_projection WHERE seq = 13 AND county = '会泽县'")[0]
    assert got[0] == pytest.approx(70 + 30 * 365 / 731) and got[1] is False


def test_each_reject_reason(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(GAZETTE, inbox / GAZETTE.name)
    (inbox / "bad.csv").write_text(
        "指标序号,区县,期间,数值,备注\n"
        "99,全市,2023,5,\n"  # row 2: unknown indicator
        "12,火星区,2023,90,\n"  # row 3: county
        "12,全市,2023H1,90,\n"  # row 4: period
        "17,全市,2023,120,\n"  # row 5: percent above 100
        "8,全市,2023,很多,\n"  # row 6: not a number
        "10,全市,2023,可能,\n"  # row 7: qualitative needs 是/否
        "12,全市,2023-06,96,\n",  # row 8: good (a month)
        encoding="utf-8",
    )
    run(inbox, tmp_path / "w.duckdb", tmp_path / "lake")
    assert q(tmp_path / "w.duckdb", 'SELECT row, "column", reason FROM indicator_reject ORDER BY row') == [
        (2, "指标序号", "未知指标（指标序号应为 1–20，或与专栏1指标名称一致）"),
        (3, "区县", "未知区县（可填县区名或 全市）"),
        (4, "期间", "期间无法解析（应为 2023、2023Q2 或 2023-06）"),
        (5, "数值", "百分比应在 0–100 之间"),
        (6, "数值", "数值不是数字"),
        (7, "数值", "定性指标应填 是 或 否"),
    ]
    assert q(tmp_path / "w.duckdb", "SELECT seq, period, period_type, period_end::VARCHAR FROM indicator_actual") == [
        (12, "2023-06", "月度", "2023-06-30")
    ]


@pytest.fixture
def mon_app(mon_db, monkeypatch):
    with serving(mon_db, monkeypatch):
        yield


def test_monitoring_tab(mon_app):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("from dashboard.views.plan import render\nrender()\n", default_timeout=60)
    at.query_params["plan_tab"] = "监测进度（各县区实际值）"  # a page draws only its open tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="mon_period").select("2024").run()
    m = {x.label: x.value for x in at.metric}
    # 2024: 麒麟区 11 滞后, 宣威市 14 滞后, 全市 9 滞后, 会泽县 13 滞后; the other 216 cells not reported
    assert (m["已达标"], m["按进度"], m["滞后"], m["未报送"]) == ("0 项", "0 项", "4 项", "216 项")
    # a county in the global filter shows that county and 全市: 宣威市 14 and 全市 9 lag in 2024
    at.multiselect(key="g_counties").select("宣威市").run()
    m = {x.label: x.value for x in at.metric}
    assert (m["滞后"], m["未报送"]) == ("2 项", "38 项")
    at.selectbox(key="mon_period").select("2023").run()
    m = {x.label: x.value for x in at.metric}
    assert (m["已达标"], m["未报送"]) == ("2 项", "38 项")  # 宣威市 14 at 98.5, 全市 9 是


def test_plan_years_come_from_the_gazette(tmp_path):
    """A later plan (baseline 2025, target 2030) printed with the same 专栏1: the expected line runs between the
    ends of those years, not 2020 and 2025. Indicator 11: 51 (end of 2025) → 65 (end of 2030), 1,826 days; at the
    end of 2027 (730 days in) 51 + 14 × 730 / 1826 = 56.60."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    text = GAZETTE.read_text(encoding="utf-8").replace(
        "单位\t2020年\t2025年\t指示属性", "单位\t2025年\t2030年\t指示属性", 1
    )  # 指示属性 [sic]
    (inbox / "gazette-2030-plan.txt").write_text(text, encoding="utf-8")
    (inbox / "监测_2027.csv").write_text("指标序号,区县,期间,数值,备注\n11,麒麟区,2027,55,\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    run(inbox, db, tmp_path / "lake", as_of=__import__("datetime").datetime(2028, 1, 10))
    assert q(db, "SELECT DISTINCT baseline_year, target_year FROM indicator_progress") == [(2025, 2030)]
    actual, expected, status = progress(db, 11, "麒麟区", "2027")
    assert (actual, status) == (55.0, "滞后") and expected == pytest.approx(51 + 14 * 730 / 1826)


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory):
    """The 2021–2025 plan (2022 年第 9 期) and a made-up 2026–2030 plan printed in a 2026 issue under its own 文号."""
    root = tmp_path_factory.mktemp("plans")
    inbox = root / "inbox"
    inbox.mkdir()
    shutil.copy2(GAZETTE, inbox / GAZETTE.name)
    later = (
        GAZETTE.read_text(encoding="utf-8")
        .replace("单位\t2020年\t2025年\t指示属性", "单位\t2025年\t2030年\t指示属性", 1)
        .replace("曲政发〔2022〕39号", "曲政发〔2026〕5号")
        .replace("有效衔接规划(2021—2025年)", "有效衔接规划(2026—2030年)")
        .replace("\n2022.9\n", "\n2026.3\n", 1)
    )
    (inbox / "qujing-gazette-2026-03.txt").write_text(later, encoding="utf-8")
    (inbox / "监测.csv").write_text(
        "指标序号,区县,期间,数值,备注\n11,麒麟区,2024,60,\n11,麒麟区,2027,55,\n11,麒麟区,2031,70,\n", encoding="utf-8"
    )
    db = root / "w.duckdb"
    run(inbox, db, root / "lake", as_of=__import__("datetime").datetime(2028, 1, 10))
    return db


def test_a_second_plan_loads_beside_the_first(two_plans):
    assert q(two_plans, "SELECT doc_no, baseline_year, target_year FROM plan_catalog ORDER BY 1") == [
        ("曲政发〔2022〕39号", 2020, 2025),
        ("曲政发〔2026〕5号", 2025, 2030),
    ]
    rows = q(
        two_plans,
        "SELECT plan_doc_no, period, actual, expected FROM indicator_progress WHERE seq = 11 AND county = '麒麟区' AND actual IS NOT NULL ORDER BY 2",
    )
    # 2024 belongs to 2021–2025 (51 → 65, 1,461 of 1,826 days); 2027 to 2026–2030 (51 → 65 again, 730 of 1,826 days)
    assert [(r[0], r[1], r[2]) for r in rows] == [("曲政发〔2022〕39号", "2024", 60.0), ("曲政发〔2026〕5号", "2027", 55.0)]
    assert rows[0][3] == pytest.approx(51 + 14 * 1461 / 1826) and rows[1][3] == pytest.approx(51 + 14 * 730 / 1826)
    # 2031 lies in no loaded plan: rejected with the reason, not silently dropped
    assert q(two_plans, "SELECT row, reason FROM indicator_reject") == [(4, "期间不在任何已载入规划的年限内（先载入该期规划的公报）")]


def test_the_plan_page_lets_the_user_choose_the_plan(two_plans, monkeypatch):
    from streamlit.testing.v1 import AppTest

    with serving(two_plans, monkeypatch):
        at = AppTest.from_string("from dashboard.views.plan import render\nrender()\n", default_timeout=60).run()
        assert not at.exception
        picker = at.selectbox(key="plan_doc")
        assert len(picker.options) == 2 and "2026—2030" in picker.value  # the latest plan first
        assert any("2026—2030" in c.value for c in at.caption)
        assert "2030年目标" in at.dataframe[0].value.columns
        picker.select(picker.options[1]).run()
        assert any("2021—2025" in c.value for c in at.caption)
        assert "2025年目标" in at.dataframe[0].value.columns


def test_projection_interval_worked_by_hand():
    """10, 12, 15 at the ends of 2021–2023: slope 2.5 a year (1,825 / 266,450 a day), 19.84 at the end of 2025 (1,096
    days past the mean); residuals 1/6, −1/3, 1/6 give s = √(1/6) = 0.4082 on one degree of freedom, so the 80%
    interval is ± t(0.9, 1) 3.078 × 0.4082 × √(1 + 1/3 + 1096² / 266450) = ± 3.037."""
    import duckdb

    from etl.models import discover

    con = duckdb.connect()
    con.execute("CREATE TABLE plan_catalog AS SELECT 'P' AS doc_no, 1 AS issue, 2020 AS baseline_year, 2025 AS target_year")
    con.execute("CREATE TABLE plan_indicator AS SELECT 'P' AS doc_no, 1 AS issue, 1 AS seq, 20.0 AS target_value")
    con.execute(
        "CREATE TABLE indicator_actual AS SELECT 1 AS seq, '会泽县' AS county, d::DATE AS period_end, v AS value "
        "FROM (VALUES ('2021-12-31', 10.0), ('2022-12-31', 12.0), ('2023-12-31', 15.0)) t(d, v)"
    )
    con.execute(discover()["indicator_projection"].read_text(encoding="utf-8"))
    points, projected, lo, hi, on_track = con.execute(
        "SELECT points, projected, projected_lo80, projected_hi80, on_track FROM indicator_projection"
    ).fetchone()
    assert points == 3 and projected == pytest.approx(12 + 1 / 3 + 1825 / 266450 * 1096)  # 19.84
    assert (projected - lo, hi - projected) == (pytest.approx(3.037, abs=1e-3), pytest.approx(3.037, abs=1e-3))
    assert on_track is False  # 19.84 < 20
