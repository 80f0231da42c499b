from dashboard import fmt, metrics


def test_chinese_number_formatting():
    assert fmt.count(8641, " 件") == "8,641 件"
    assert fmt.count(300_000, " 件") == "30.0 万件"
    assert fmt.wan_yuan(5757153.29) == "575.72 亿元"
    assert fmt.wan_yuan(1041.0) == "1,041.00 万元"
    assert fmt.pct(95.04) == "95.0%"


def test_a_rate_meets_its_target_as_shown():
    # 附件3: 如期办结率不低于 95%; the page shows one decimal, so 94.96 shows as 95.0% and meets it
    on_time = metrics.metric("on_time_rate")
    settings = {"target_on_time_rate": 95.0}
    assert on_time.meets(94.96, settings) and not on_time.meets(94.94, settings)
    assert on_time.show(94.96) == "95.0%" and on_time.show(94.94) == "94.9%"
    assert on_time.card_label(settings) == "按期办结率（目标 ≥95%）"
    # lower is better: no target; a change that rounds to nothing is 持平, drawn without arrow or colour (never
    # "+0.0 个百分点" with a green rise, nor "-0.0")
    overdue = metrics.metric("overdue_open")
    assert overdue.meets(3, settings) is None and overdue.delta(3, 3) == "持平"
    assert overdue.delta(5, 3) == "+2 件" and metrics.metric("satisfaction_rate").delta(95.04, 95.06) == "持平"
    assert metrics.metric("satisfaction_rate").delta(95.0, 95.06) == "-0.1 个百分点"
    assert metrics.delta_style("持平") == {"delta_color": "off", "delta_arrow": "off"}
    assert metrics.delta_style("-0.1 个百分点", "inverse") == {"delta_color": "inverse", "delta_arrow": "auto"}
    assert metrics.metric("mean_workdays").header == "平均办结用时(工作日)"
    # a plain number carries its unit in the card's label, never after the value (a narrow card cuts it off)
    assert metrics.metric("mean_workdays").card_label({}) == "平均办结用时（工作日）"
    assert metrics.metric("mean_workdays").show(3.784) == "3.78"


def test_a_scope_names_its_years_once():
    import datetime as dt

    from dashboard.filters import Scope

    assert Scope(dt.date(2024, 1, 1), dt.date(2024, 6, 1)).years == "2024 年"  # not 2024–2024 年
    assert Scope(dt.date(2022, 9, 1), dt.date(2024, 6, 1)).years == "2022–2024 年"
