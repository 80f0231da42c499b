"""Pipeline-gas concession assessment: the rubric, verdicts on hand-made sheets in both shapes, rejects,
self vs official, the template round trip, and the page."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import polars as pl
import pytest

from etl.pipeline import run
from tests.conftest import GAZETTE, fetch, serving
from warehouse import reference

RUBRIC = reference.load("concession_rubric").with_columns(pl.col("max_points").cast(pl.Float64))
CODES = RUBRIC["item_code"].to_list()
FULL = dict(RUBRIC.select("item_code", "max_points").iter_rows())
HEADER = ["企业名称", "区县", "考核期间", "考核类型", *CODES, "一票否决", "备注"]


def sheet(enterprise, county, period, kind, changes=None, veto="", drop=()):
    scores = {**FULL, **(changes or {})}
    return [enterprise, county, period, kind, *("" if c in drop else f"{scores[c]:g}" for c in CODES), veto, ""]


def write_wide(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


# the run's time for the hand-made sheets: 21 days before 甲公司's rectification deadline (2025-03-31)
RUN_AT = dt.datetime(2025, 3, 10, 12, 0)


def build(tmp_path: Path, *files: Path, as_of: dt.datetime = RUN_AT) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for f in files:
        shutil.copy2(f, inbox / f.name)
    db = tmp_path / "w.duckdb"
    run(inbox, db, tmp_path / "lake", as_of=as_of)
    return db


q = fetch


def test_rubric_adds_up():
    groups = dict(RUBRIC.group_by("group_name").agg(pl.col("max_points").sum()).iter_rows())
    assert groups == {"供应保障能力": 70, "燃气设施运行、维护、抢修和安全管理": 20, "企业服务水平": 10}
    assert RUBRIC["max_points"].sum() == 100 and RUBRIC.height == 23
    assert RUBRIC.filter(pl.col("inferred") == "true")["item_code"].to_list() == ["3.4", "3.5"]  # the lost cells
    assert reference.load("concession_veto_rule").height == 12


HAND_MADE = [
    # 1.3 scores 0 (−20) and 1.7 scores 9.5 (−5.5): 74.5
    sheet("甲公司", "麒麟区、经开区", "2024", "年度考评", {"1.3": 0, "1.7": 9.5}),
    # 1.3 scores 0 (−20) and 1.7 scores 10 (−5): 75
    sheet("乙公司", "宣威", "2024", "年度考评", {"1.3": 0, "1.7": 10}),
    # 90 points but veto item 4 (重大生产安全事故)
    sheet("丙公司", "富源县", "2024", "年度考评", {"1.3": 10}, veto="4"),
    # 3.5 not scored: 98 points, incomplete
    sheet("丁公司", "会泽县", "2024", "年度考评", drop=("3.5",)),
    # a quarterly self-assessment below 75: 不合格 but no rectification deadline (annual results only)
    sheet("甲公司", "麒麟区、经开区", "2024Q1", "自评", {"1.3": 0, "1.7": 9.5}),
]


@pytest.fixture(scope="module")
def gas_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("gas")
    return build(root, GAZETTE, write_wide(root / "src" / "考评_2024.csv", HAND_MADE))


def test_verdicts_on_hand_made_sheets(gas_db):
    got = q(
        gas_db,
        "SELECT enterprise, period, total_score, complete, veto, passed, verdict, rectify_by FROM concession_result ORDER BY enterprise, period",
    )
    assert got == [
        ("丁公司", "2024", 98.0, False, False, False, "不完整", None),
        ("丙公司", "2024", 90.0, True, True, False, "否决(收回特许经营权)", None),
        ("乙公司", "2024", 75.0, True, False, True, "合格", None),
        ("甲公司", "2024", 74.5, True, False, False, "不合格", dt.date(2025, 3, 31)),  # 3 months after 2024-12-31
        ("甲公司", "2024Q1", 74.5, True, False, False, "不合格", None),
    ]
    assert q(gas_db, "SELECT county FROM concession_result WHERE enterprise = '甲公司' AND period = '2024'") == [("麒麟区、曲靖经开区",)]


@pytest.mark.parametrize(
    ("run_at", "status"),
    [(dt.datetime(2025, 1, 15), "整改期内"), (dt.datetime(2025, 3, 1), "即将到期"), (dt.datetime(2025, 4, 1), "已逾期")],
)
def test_a_rectification_deadline_against_the_runs_time(tmp_path, run_at, status):
    """甲公司 must rectify by 2025-03-31 (第二十四条: 3 months after 2024): 75 days ahead on 15 January, 30 days
    ahead on 1 March (within rectify_warning_days), passed on 1 April."""
    db = build(tmp_path, GAZETTE, write_wide(tmp_path / "src" / "考评.csv", HAND_MADE[:1]), as_of=run_at)
    assert q(db, "SELECT enterprise, rectify_by, rectify_status FROM concession_result") == [("甲公司", dt.date(2025, 3, 31), status)]


def test_an_overdue_rectification_is_shown_as_such(tmp_path, monkeypatch):
    db = build(tmp_path, GAZETTE, write_wide(tmp_path / "src" / "考评.csv", HAND_MADE[:1]), as_of=dt.datetime(2025, 4, 1))
    with serving(db, monkeypatch):
        at = _page("concession")
    assert any("整改期限 2025-03-31 已逾期" in e.value for e in at.error)
    ranking = next(df.value for df in at.dataframe if "结论" in df.value.columns)
    assert list(ranking["整改状态"]) == ["已逾期"]


def test_a_rejected_sheet_is_shown_with_its_reason(tmp_path, monkeypatch):
    """A sheet whose 1.1 reads 'abc' is refused whole (wide shape): the page says so, with file, row and reason,
    and the verdicts do not count it (the download's name is checked in the browser, tests/browser/test_leader.py)."""
    bad = sheet("戊公司", "陆良县", "2024", "年度考评")
    bad[4] = "abc"
    db = build(tmp_path, GAZETTE, write_wide(tmp_path / "src" / "考评.csv", [*HAND_MADE[:1], bad]))
    with serving(db, monkeypatch):
        at = _page("concession")
    assert any("有 1 处被拒收（1 个文件）" in w.value for w in at.warning)
    table = next(df.value for df in at.dataframe if "原因" in df.value.columns)
    assert table[["文件", "行", "列", "原因", "原值"]].values.tolist() == [["考评.csv", 3, "1.1", "得分不是数字", "abc"]]
    m = {x.label: x.value for x in at.metric}
    assert m["评分表"] == "1 张"  # 戊公司's sheet is not counted


def test_long_shape_gives_the_same_result(tmp_path):
    rows = [("甲公司", "麒麟区", "2024", "年度考评", c, f"{({**FULL, '1.3': 0, '1.7': 9.5})[c]:g}", "") for c in CODES]
    rows.append(("甲公司", "麒麟区", "2024", "年度考评", "一票否决", "", ""))
    long = pl.DataFrame(rows, schema=["企业名称", "区县", "考核期间", "考核类型", "指标编号", "得分", "扣分说明"], orient="row")
    f = tmp_path / "src" / "long.csv"
    f.parent.mkdir()
    long.write_csv(f)
    db = build(tmp_path, f)
    assert q(db, "SELECT total_score, complete, veto, verdict FROM concession_result") == [(74.5, True, False, "不合格")]
    veto_rows = long.with_columns(pl.when(pl.col("指标编号") == "一票否决").then(pl.lit("4、10")).otherwise(pl.col("得分")).alias("得分"))
    veto_rows.write_csv(f)
    db = build(tmp_path, f)
    assert q(db, "SELECT veto_nos, verdict FROM concession_result") == [([4, 10], "否决(收回特许经营权)")]


def test_each_reject_reason(tmp_path):
    header = [*HEADER[:-2], "1.9", *HEADER[-2:]]
    rows = [
        sheet("A", "麒麟区", "2024", "年度考评", {"1.1": 7}),  # row 2: above the item maximum
        sheet("B", "麒麟区", "2024", "年度考评", {"1.1": -1}),  # row 3: below 0
        sheet("C", "麒麟区", "2024", "年度考评", veto="13"),  # row 4: unknown veto number
        sheet("D", "麒麟区", "2024H1", "年度考评"),  # row 5: period
        sheet("E", "火星区", "2024", "打分"),  # row 6: county and type
        sheet("F", "麒麟区", "2024", "年度考评"),  # row 7: good, but …
    ]
    rows = [[*r[:-2], "", *r[-2:]] for r in rows]
    rows[5][-3] = "1"  # … a score under the unknown item code 1.9
    rows[0][5] = "六"  # row 2 also: 1.2 is not a number
    f = tmp_path / "src" / "bad.csv"
    f.parent.mkdir()
    f.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    db = build(tmp_path, f)
    assert q(db, 'SELECT row, "column", reason FROM concession_reject ORDER BY row, "column"') == [
        (2, "1.1", "得分应在 0 到 6 之间"),
        (2, "1.2", "得分不是数字"),
        (3, "1.1", "得分应在 0 到 6 之间"),
        (4, "一票否决", "未知一票否决项编号（应为 1–12）"),
        (5, "考核期间", "考核期间应为年份（如 2024）或季度（如 2024Q1）"),
        (6, "区县", "未知区县"),
        (6, "考核类型", "考核类型应为 自评、年度考评、第三方评估 或 复核"),
        (7, "1.9", "未知指标编号 1.9"),
    ]
    assert q(db, "SELECT count(*) FROM concession_result") == [(0,)]


def test_self_vs_official_item_by_item(tmp_path):
    rows = [sheet("甲公司", "麒麟区", f"2024Q{n}", "自评", {"1.1": s}) for n, s in zip(range(1, 5), (6, 6, 5, 5), strict=True)]
    rows.append(sheet("甲公司", "麒麟区", "2024", "年度考评", {"1.1": 4}))
    db = build(tmp_path, write_wide(tmp_path / "src" / "s.csv", rows))
    # self: (6 + 6 + 5 + 5) / 4 = 5.5; official 4; gap 1.5
    assert q(db, "SELECT self_score, official_score, gap, self_sheets FROM v_concession_self_vs_official WHERE item_code = '1.1'") == [
        (5.5, 4.0, 1.5, 4)
    ]
    assert q(db, "SELECT count(*) FROM v_concession_self_vs_official WHERE gap <> 0") == [(1,)]


def test_template_round_trip(tmp_path):
    from dashboard.templates import concession_template_xlsx

    data = concession_template_xlsx(RUBRIC, reference.load("concession_veto_rule"))
    blank = pl.read_excel(io.BytesIO(data), sheet_name="评分表", engine="calamine")
    assert blank.height == 0 and blank.columns[4] == "1.1 建设项目管理（6分）" and blank.columns[-3] == "3.5 用户投诉处理情况（2分）"
    filled = pl.DataFrame(
        [["模板公司", "罗平县", "2025", "年度考评", *[FULL[c] for c in CODES], "", "模板往返"]], schema=blank.columns, orient="row"
    )
    f = tmp_path / "src" / "filled.xlsx"
    f.parent.mkdir()
    filled.write_excel(f, worksheet="评分表")
    db = build(tmp_path, f)
    assert q(db, "SELECT enterprise, county, total_score, verdict FROM concession_result") == [("模板公司", "罗平县", 100.0, "合格")]


# ---------------------------------------------------------------- the page
@pytest.fixture
def gas_app(gas_db, monkeypatch):
    with serving(gas_db, monkeypatch):
        yield


def _page(name):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(f"from dashboard.views.{name} import render\nrender()\n", default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_concession_page(gas_app):
    at = _page("concession")
    m = {x.label: x.value for x in at.metric}
    assert (m["评分表"], m["合格"], m["不合格"], m["否决(收回特许经营权)"], m["不完整"]) == ("4 张", "1 家", "1 家", "1 家", "1 家")
    assert "丙公司" in at.error[0].value and "第4项" in at.error[0].value  # the veto comes first
    # 2025-03-31 is 21 days after the run (within the 30 days of rectify_warning_days)
    assert any("甲公司" in w.value and "须于 2025-03-31 前完成整改（即将到期" in w.value for w in at.warning)
    ranking = next(df.value for df in at.dataframe if "结论" in df.value.columns)
    # rank order: 乙 75 and 甲 74.5 by score; 丁's 98 is incomplete (not final), 丙 is vetoed: below every other
    assert list(ranking.columns[:4]) == ["排名", "企业", "总分(分)", "结论"]
    assert list(zip(ranking["排名"], ranking["企业"], strict=True)) == [(1, "乙公司"), (2, "甲公司"), (3, "丁公司"), (4, "丙公司")]
    at.multiselect(key="g_counties").select("宣威市").run()
    m = {x.label: x.value for x in at.metric}
    assert (m["评分表"], m["合格"]) == ("1 张", "1 家")
    at.selectbox(key="gas_period").select("2024Q1").run()
    assert any("没有评分结果" in i.value for i in at.info)  # 乙公司 filed no quarterly sheet
