"""Issue 12: any 12345 platform's export. Two other layouts (other header names, other spellings of the values, one
as GB18030, one as XLSX) load to exactly the tickets of the canonical export; headers no alias maps are named with
the closest standard header. The aliases live in warehouse/reference/header_alias.csv and
value_alias.csv: a new layout is a CSV change."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from etl.pipeline import run
from tests.conftest import KPI, fetch

# a county platform, version 2: every header and most values spelled its own way
LAYOUT_B = {
    "headers": {
        "工单编号": "工单号", "受理时间": "来电时间", "受理渠道": "来源渠道", "诉求类型": "诉求类别", "事项分类": "诉求分类",
        "所属区县": "所属区域", "承办单位": "办理单位", "办理方式": "处置方式", "派单时间": "转办时间", "签收时间": "接单时间",
        "退单时间": "回退时间", "办结时间": "完成时间", "延期次数": "延期申请次数", "回访结果": "满意度", "诉求内容": "问题描述",
        "来电人": "诉求人", "联系电话": "来电号码",
    },
    "values": {
        "诉求类型": {"求助": "求助类", "投诉": "投诉类", "咨询": "咨询类", "意见建议": "建议", "举报": "举报类"},
        "回访结果": {"满意": "非常满意", "基本满意": "比较满意", "不满意": "不太满意", "未回访": "未评价"},
        "受理渠道": {"电话": "热线电话", "微信": "微信公众号", "网站": "网站留言"},
        "办理方式": {"派单": "转办", "当场答复": "直接答复"},
    },
}  # fmt: skip
# the city platform's export
LAYOUT_C = {
    "headers": {
        "工单编号": "编号", "受理时间": "登记时间", "受理渠道": "渠道", "诉求类型": "问题类型", "事项分类": "业务分类",
        "所属区县": "区域", "承办单位": "责任单位", "办理方式": "办理类型", "派单时间": "交办时间", "签收时间": "签收时间",
        "退单时间": "退单时间", "办结时间": "结案时间", "延期次数": "延期次数", "回访结果": "回访满意度", "诉求内容": "来电内容",
        "来电人": "联系人", "联系电话": "联系方式",
    },
    "values": {
        "诉求类型": {"投诉": "投诉类", "求助": "求助求决", "意见建议": "意见建议类"},
        "回访结果": {"满意": "很满意", "基本满意": "一般", "不满意": "非常不满意", "未回访": "无需回访"},
        "受理渠道": {"电话": "12345热线", "微信": "微信公众号", "APP": "手机APP"},
        "办理方式": {"派单": "交办", "当场答复": "当场办结"},
    },
}  # fmt: skip


def as_layout(layout: dict) -> pl.DataFrame:
    df = pl.read_csv(KPI, infer_schema=False)
    df = df.with_columns(pl.col(c).replace(m) for c, m in layout["values"].items())
    return df.rename(layout["headers"])


def load(folder: Path, write) -> Path:
    inbox = folder / "inbox"
    inbox.mkdir(parents=True)
    write(inbox)
    db = folder / "w.duckdb"
    run(inbox, db, folder / "lake")
    return db


TICKET_COLUMNS = "* EXCLUDE (source_file)"


def tickets(db: Path) -> pl.DataFrame:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(f"SELECT {TICKET_COLUMNS} FROM hotline_ticket ORDER BY ticket_id").pl()
    finally:
        con.close()


@pytest.fixture(scope="module", autouse=True)
def one_salt():
    """The warehouses of this module hash callers with one salt, so their caller keys compare."""
    import os

    old = os.environ.get("DASHBOARD_HASH_SALT")
    os.environ["DASHBOARD_HASH_SALT"] = "layout-test-salt"
    yield
    if old is None:
        os.environ.pop("DASHBOARD_HASH_SALT")
    else:
        os.environ["DASHBOARD_HASH_SALT"] = old


@pytest.fixture(scope="module")
def canonical(tmp_path_factory) -> pl.DataFrame:
    db = load(tmp_path_factory.mktemp("canonical"), lambda inbox: (inbox / KPI.name).write_bytes(KPI.read_bytes()))
    return tickets(db)


def test_the_values_really_differ():
    b, c = as_layout(LAYOUT_B), as_layout(LAYOUT_C)
    assert set(b["诉求类别"]) >= {"求助类", "投诉类"} and "非常满意" in set(b["满意度"]) and "热线电话" in set(b["来源渠道"])
    assert "一般" in set(c["回访满意度"]) and "12345热线" in set(c["渠道"])


def test_county_platform_layout_in_gb18030_loads_the_same_tickets(canonical, tmp_path):
    def write(inbox: Path) -> None:
        text = as_layout(LAYOUT_B).write_csv()
        (inbox / "县平台导出_2024.csv").write_bytes(text.encode("gb18030"))

    db = load(tmp_path, write)
    assert fetch(db, "SELECT status FROM etl_run WHERE source LIKE '县平台%'") == [("success",)]
    assert tickets(db).equals(canonical)  # T1–T7, every column (phones hashed alike, numbers masked alike)
    assert canonical.height == 7


def test_city_platform_layout_in_xlsx_loads_the_same_tickets(canonical, tmp_path):
    db = load(tmp_path, lambda inbox: as_layout(LAYOUT_C).write_excel(inbox / "市平台导出_2024.xlsx"))
    assert tickets(db).equals(canonical)


def test_unknown_headers_are_named_with_the_closest_standard_ones(tmp_path):
    def write(inbox: Path) -> None:
        (inbox / "a.csv").write_text("工单编号,受理日期,诉求类型\nA1,2024-03-05 10:00:00,咨询\n", encoding="utf-8")
        (inbox / "b.csv").write_text("工单编号,受理时间,诉求类型,承办部门\nB1,2024-03-05 10:00:00,咨询,市甲局\n", encoding="utf-8")

    db = load(tmp_path, write)
    ((status, message),) = fetch(db, "SELECT status, message FROM etl_run WHERE source = 'a.csv'")
    assert status == "rejected" and "受理日期（最接近：受理时间" in message
    ((status, message),) = fetch(db, "SELECT status, message FROM etl_run WHERE source = 'b.csv'")
    assert status == "success" and "未识别、未载入的列：承办部门（最接近：承办单位" in message


def test_a_new_layout_is_a_csv_change(tmp_path, monkeypatch):
    """A platform calling the ticket number 流水号: one row in the header alias file, no code."""
    from warehouse import paths as config
    from warehouse import reference

    ref = tmp_path / "reference"
    ref.mkdir()
    for f in config.REFERENCE_DIR.glob("*.csv"):
        (ref / f.name).write_bytes(f.read_bytes())
    with open(ref / "header_alias.csv", "a", encoding="utf-8") as fh:
        fh.write("hotline,ticket_id,流水号,false,某县 2.0 平台\n")
    monkeypatch.setattr(reference, "REFERENCE_DIR", ref)
    reference.load.cache_clear()
    try:
        db = load(
            tmp_path / "run",
            lambda inbox: (inbox / "c.csv").write_text("流水号,受理时间,诉求类型\nL1,2024-03-05 10:00:00,咨询\n", encoding="utf-8"),
        )
    finally:
        reference.load.cache_clear()
    assert fetch(db, "SELECT ticket_id, category FROM hotline_ticket") == [("L1", "咨询")]
