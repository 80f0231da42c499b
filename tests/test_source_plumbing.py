"""The plumbing every extractor shares: one header canonicaliser (header_alias.csv), one period parser, one
result type. Figures are worked out from the templates and the calendar, not from the code."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from etl.pipeline import TABULAR
from etl.sources import canon, concession, hotline, indicator, period
from etl.sources.extraction import Context, Extraction
from etl.sources.gazette import parse_gazette
from etl.sources.tabular import FileRejected
from tests.conftest import GAZETTE, KPI
from warehouse import reference


def test_every_source_has_one_standard_header_per_column():
    aliases = reference.load("header_alias")
    standard = aliases.filter(pl.col("standard") == "true")
    assert standard.group_by("source", "column").len()["len"].max() == 1
    # every canonical column of a source has its standard header (the template's and the messages' name)
    assert aliases.select("source", "column").unique().height == standard.height
    # one accepted header means one column within a source
    folded = aliases.with_columns(pl.col("alias").map_elements(canon.fold, return_dtype=pl.Utf8))
    assert folded.group_by("source", "alias").agg(pl.col("column").n_unique())["column"].max() == 1
    assert set(aliases["source"]) == {t.dataset for t in TABULAR}


def test_headers_are_matched_trimmed_and_ascii_without_case():
    rename, unmapped = canon.columns([" 工单号", "\ufeffTICKET_ID".replace("TICKET_ID", "Received_At"), "诉求类型", "备用字段"], "hotline")
    assert rename == {" 工单号": "ticket_id", "\ufeffReceived_At": "received_at", "诉求类型": "category"}
    assert unmapped == ["备用字段"]
    assert canon.closest("受理日期", "hotline")[0] == "受理时间"


def test_two_headers_meaning_one_column_reject_the_file_for_every_source(tmp_path):
    gas = tmp_path / "评分.csv"
    gas.write_text("企业名称,enterprise,考核期间,考核类型\n甲燃气,甲燃气,2024,自评\n", encoding="utf-8")
    with pytest.raises(FileRejected, match="评分.csv: row 1: columns 企业名称 and enterprise both mean 企业名称"):
        concession.extract(gas)
    mon = tmp_path / "监测.csv"
    mon.write_text("指标序号,期间,数值,period\n11,2023,60,2024\n", encoding="utf-8")
    with pytest.raises(FileRejected, match="监测.csv: row 1: columns 期间 and period both mean 期间"):
        indicator.extract(mon, pl.DataFrame({"seq": [11]}))


@pytest.mark.parametrize(
    ("text", "kind", "end"),
    [
        ("2024", "年度", dt.date(2024, 12, 31)),
        ("2024Q1", "季度", dt.date(2024, 3, 31)),
        ("2024Q4", "季度", dt.date(2024, 12, 31)),
        ("2024-02", "月度", dt.date(2024, 2, 29)),  # a leap year
        (" 2023-06 ", "月度", dt.date(2023, 6, 30)),
    ],
)
def test_a_period_its_kind_and_last_day(text, kind, end):
    df = pl.DataFrame({"p": [text]})
    got = df.select(period.valid("p"), period.kind("p"), period.end("p")).row(0)
    assert got == (True, kind, end)


@pytest.mark.parametrize("text", ["2024Q5", "2024Q0", "2024-00", "2024-13", "2024-25", "24", "2024年", "2024-6", None])
def test_not_a_period(text):
    assert not pl.DataFrame({"p": [text]}, schema={"p": pl.Utf8}).select(period.valid("p").fill_null(False)).item()


def test_the_concession_sheets_take_no_months():
    df = pl.DataFrame({"p": ["2024", "2024Q2", "2024-06"]})
    assert df.select(period.valid("p", months=False))["p"].to_list() == [True, True, False]


def test_a_month_that_does_not_exist_is_a_rejected_row_not_a_failed_run(tmp_path):
    """'2023-25' once passed the indicator check (only 00 and 13–19 were refused) and reached pl.date."""
    f = tmp_path / "监测.csv"
    f.write_text("指标序号,区县,期间,数值\n11,麒麟区,2023-25,60\n11,麒麟区,2023-06,61\n", encoding="utf-8")
    catalog = pl.DataFrame(
        {
            "seq": [11],
            "name": ["x"],
            "unit": ["%"],
            "baseline_value": [50.0],
            "target_value": [70.0],
            "target_text": ["70"],
            "baseline_year": [2020],
            "target_year": [2025],
        }
    )
    res = indicator.extract(f, catalog)
    assert res.rows_loaded == 1 and res.rows_rejected == 1
    assert res.problems.select("row", "column", "reason").rows() == [(2, "期间", "期间无法解析（应为 2023、2023Q2 或 2023-06）")]


def test_every_extractor_returns_the_one_result_type(tmp_path):
    ctx = Context(dt.datetime(2024, 8, 1), "salt", lambda: pl.DataFrame())
    kpi = next(t for t in TABULAR if t.dataset == "hotline").extract(KPI, ctx)
    gazette = parse_gazette(GAZETTE)
    for res, dataset in ((kpi, "hotline"), (gazette, "gazette")):
        assert isinstance(res, Extraction) and res.dataset == dataset
    # the KPI fixture: 7 tickets, all good; the printed issue: 20 indicators among its tables
    assert (kpi.rows_in, kpi.rows_loaded, kpi.rows_rejected, kpi.partition.startswith("file=")) == (7, 7, 0, True)
    assert gazette.partition == "issue=2022-09" and gazette.tables["plan_indicator"].height == 20
    assert gazette.summary.startswith("公报 2022-09：") and kpi.summary == "12345 工单（utf-8）：载入 7 行，拒收 0 行"
    assert set(kpi.tables) == {"tickets", "rejects"} and kpi.problems.is_empty()
    assert hotline.HEADERS["ticket_id"] == "工单编号" and concession.HEADERS["enterprise"] == "企业名称"


def test_county_names_are_canonical_for_every_source():
    """county_alias.csv: 宣威 and 沾益县 (the name before 2016) mean 宣威市 and 沾益区 (adcodes 530381, 530303)."""
    df = pl.DataFrame({"c": ["宣威", "沾益县", "麒麟区", "火星县", None]})
    got = df.select(
        canon.county_known(pl.col("c")).alias("known"),
        canon.county_key(pl.col("c")).alias("key"),
        canon.county_name(pl.col("c")).alias("name"),
    ).rows()
    assert got == [
        (True, "530381", "宣威市"),
        (True, "530303", "沾益区"),
        (True, "530302", "麒麟区"),
        (False, None, None),
        (None, None, None),
    ]
