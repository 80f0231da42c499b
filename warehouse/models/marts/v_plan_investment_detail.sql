-- Analysis views, rebuilt with every warehouse.

-- Investment without the printed totals: one row per category × funding source × table, the parts only.
-- Sum these to get totals that add up; compare with plan_investment's printed 合计 via dq_finding.
CREATE VIEW v_plan_investment_detail AS
SELECT issue, column_no, year, period_start, period_end, category_no, category, source, amount_wan
FROM plan_investment
WHERE category <> '合计' AND source <> '合计';
