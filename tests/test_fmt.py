from dashboard import fmt


def test_chinese_number_formatting():
    assert fmt.count(8641, " 件") == "8,641 件"
    assert fmt.count(300_000, " 件") == "30.0 万件"
    assert fmt.wan_yuan(5757153.29) == "575.72 亿元"
    assert fmt.wan_yuan(1041.0) == "1,041.00 万元"
    assert fmt.pct(95.04) == "95.0%"
    assert fmt.meets_target(94.96, 95) and not fmt.meets_target(94.94, 95)
