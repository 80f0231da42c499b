"""The plan's tables parsed from the real gazette, checked against figures read off the printed text."""

import polars as pl
import pytest

from etl.sources.gazette.plan import parse_number


@pytest.mark.parametrize(
    ("text", "value", "comparator"),
    [
        ("51%", 51.0, None),
        ("≥ 10", 10.0, "≥"),
        ("—", None, None),
        ("应兜尽兜", None, None),
        ("82.73", 82.73, None),
        ("20000", 20000.0, None),
    ],
)
def test_parse_number(text, value, comparator):
    assert parse_number(text) == (value, comparator)


def test_twenty_indicators_thirteen_binding_seven_expected(gazette):
    ind = gazette.tables["plan_indicator"]
    assert ind.height == 20
    assert ind["seq"].to_list() == list(range(1, 21))
    assert ind.filter(pl.col("binding") == "约束性").height == 13
    assert ind.filter(pl.col("binding") == "预期性").height == 7
    assert ind.filter(pl.col("seq") <= 10)["section"].unique().to_list() == ["全力巩固拓展脱贫攻坚成果"]
    assert ind.filter(pl.col("seq") > 10)["section"].unique().to_list() == ["全面实施乡村振兴战略"]
    # the text above the table states 13 and 7: no count finding
    assert gazette.tables["dq_finding"].filter(pl.col("check_name") == "indicator_count").is_empty()


def test_indicator_values_keep_the_printed_text(gazette):
    ind = {r["seq"]: r for r in gazette.tables["plan_indicator"].iter_rows(named=True)}
    one = ind[1]  # 脱贫人口防止返贫动态监测率  万人、%  82.73  100%  (mixed units, kept as printed)
    assert (one["unit"], one["baseline_text"], one["target_text"]) == ("万人、%", "82.73", "100%")
    assert (one["baseline_value"], one["target_value"], one["unit_mixed"]) == (82.73, 100.0, True)
    assert (ind[6]["baseline_value"], ind[6]["target_value"], ind[6]["comparator"]) == (None, 10.0, "≥")
    assert (ind[9]["baseline_text"], ind[9]["baseline_value"], ind[9]["target_value"]) == ("应兜尽兜", None, None)
    assert (ind[11]["baseline_value"], ind[11]["target_value"]) == (51.0, 65.0)
    assert (ind[8]["baseline_value"], ind[8]["target_value"], ind[8]["unit"]) == (10086.0, 20000.0, "元")
    assert ind[13]["name"] == "行政村 5G 网络覆盖率"
    assert ind[1]["doc_no"] == "曲政发〔2022〕39号"


def test_investment_tables_as_printed(gazette):
    inv = gazette.tables["plan_investment"]
    # six tables (专栏11–16) × 10 rows (合计 + 9 categories) × 4 columns (合计 + 3 sources)
    assert inv.height == 6 * 10 * 4
    assert sorted(inv["source"].unique().to_list()) == ["其他财政资金", "其他资金", "合计", "财政衔接资金"]
    total = inv.filter(pl.col("year").is_null() & (pl.col("category") == "合计") & (pl.col("source") == "合计"))
    assert total["amount_wan"].to_list() == [5757153.29]
    assert total["column_no"].to_list() == [11]
    assert sorted(inv["year"].drop_nulls().unique().to_list()) == [2021, 2022, 2023, 2024, 2025]
    cat = inv.filter((pl.col("year") == 2021) & (pl.col("category_no") == 9) & (pl.col("source") == "财政衔接资金"))
    assert cat.select("category", "amount_wan").row(0) == ("乡村振兴示范工程", 1041.00)
    # 专栏16 is split by a page break between 六 and 七: all nine categories are still there
    assert inv.filter(pl.col("year") == 2025)["category_no"].n_unique() == 10


def test_exactly_the_material_investment_rows(gazette):
    """Worked by hand from the printed tables:
    2024 特色产业发展工程: 141999.59 + 172898.92 + 265996.70 = 580895.21, printed 595895.21 (+15000)
    2024 合计:            238786.01 + 745091.94 + 303412.89 = 1287290.84, printed 1302290.84 (+15000)
    2021–2025 特色产业:   673251.89 + 754865.95 + 1175641.01 = 2603758.85, printed 2618758.85 (+15000)
    2021–2025 合计:       1130691.36 + 3262214.76 + 1349247.17 = 5742153.29, printed 5757153.29 (+15000)
    Every other printed row total differs from its parts by at most 0.02 (rounding)."""
    f = gazette.tables["dq_finding"]
    material = f.filter(pl.col("severity") == "material")
    assert material.height == 4
    assert set(material["check_name"]) == {"investment_row_total"}
    got = {(loc.split(" · ")[0], loc.split(" · ")[1], d) for loc, d in material.select("location", "difference").iter_rows()}
    assert got == {
        ("专栏15 2024年", "特色产业发展工程", 15000.0),
        ("专栏15 2024年", "合计", 15000.0),
        ("专栏11 2021—2025年", "特色产业发展工程", 15000.0),
        ("专栏11 2021—2025年", "合计", 15000.0),
    }
    row = material.filter(pl.col("location").str.starts_with("专栏15 2024年 · 特色产业发展工程")).row(0, named=True)
    assert (row["printed"], row["computed"]) == (595895.21, 580895.21)
    # 2021 合计 row: 225072.76 + 286337.59 + 209947.09 = 721357.44, printed 721357.45
    r2021 = f.filter(pl.col("location").str.starts_with("专栏12 2021年 · 合计 · 合计列")).row(0, named=True)
    assert (r2021["difference"], r2021["severity"]) == (0.01, "rounding")
    amounts = f.filter((pl.col("severity") == "rounding") & (pl.col("check_name") != "investment_text_share"))
    assert amounts["difference"].abs().max() <= 0.05


def test_yearly_tables_against_five_year_table(gazette):
    """稳岗就业创业工程 · 其他财政资金: 12971.21 + 34215.92 + 38673.39 + 39046.68 + 38320.60 = 163227.80; printed 163227.82."""
    f = gazette.tables["dq_finding"].filter(pl.col("check_name") == "investment_years_vs_total")
    row = f.filter(pl.col("location").str.contains("稳岗就业创业工程 · 其他财政资金")).row(0, named=True)
    assert (row["printed"], row["computed"], row["difference"]) == (163227.82, 163227.80, 0.02)


def test_text_figures_against_tables(gazette):
    """2025 text: 财政衔接资金 235947.12 of 1182302.50 = 19.96%, printed as 19.9%."""
    f = gazette.tables["dq_finding"].filter(pl.col("check_name") == "investment_text_share")
    assert f.height == 1
    row = f.row(0, named=True)
    assert "专栏16" in row["location"] and (row["printed"], row["computed"]) == (19.9, 20.0)
    # the 2022 text's 544709.092 rounds to the table's 544709.09: not a finding
    assert gazette.tables["dq_finding"].filter(pl.col("check_name") == "investment_text_vs_table").is_empty()


def test_project_counts(gazette):
    p = gazette.tables["plan_project"]
    veg = p.filter(pl.col("item") == "特色蔬菜项目").row(0, named=True)
    assert (veg["column_no"], veg["count"], veg["unit"], veg["scale_text"]) == (2, 204.0, "个", "139 万亩")
    assert veg["printed"] == "规划特色蔬菜项目 204 个 139 万亩"
    crops = p.filter(pl.col("item") == "经济作物项目").row(0, named=True)
    assert (crops["count"], crops["group_name"], crops["subgroup"]) == (331.0, "生产基地项目", "特色种植基地项目")
    solar = p.filter(pl.col("item") == "光伏电站建设项目").row(0, named=True)
    assert (solar["count"], solar["scale_text"]) == (2.0, "装机容量 2752kw")
    # '、' inside one item name does not split it; between two counted items it does
    assert p.filter(pl.col("item") == "产地初加工和精深加工、副产物综合利用项目")["count"].to_list() == [321.0]
    assert p.filter(pl.col("item").is_in(["建设帮扶车间", "特色手工业作坊"]))["count"].to_list() == [82.0, 3.0]
    assert p.filter(pl.col("item") == "农村供水保障设施建设项目").select("count", "unit").row(0) == (1220.0, "件")
    assert p.filter(pl.col("column_no") == 6)["count"].to_list() == [1111.0]


def test_demonstration_yearly_targets(gazette):
    p = gazette.tables["plan_project"].filter(pl.col("column_no") == 10)
    village = p.filter(pl.col("item") == "美丽村庄").sort("year", nulls_last=False)
    assert village["year"].to_list() == [None, 2022, 2023, 2024, 2025]
    assert village["count"].to_list() == [1000.0, 400.0, 300.0, 300.0, None]
    assert village["scale_text"].to_list()[-1] == "巩固"
    # 400 + 300 + 300 = 1000, 40 + 30 + 30 = 100, 13 = 13: no finding
    assert gazette.tables["dq_finding"].filter(pl.col("check_name") == "project_yearly_vs_scale").is_empty()
