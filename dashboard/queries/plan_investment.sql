-- scope: public (published or reference data, the same for every role)
-- Every printed investment figure (专栏11–16), totals included, from the newest issue that carries them.
SELECT column_no, year, period_start, period_end, category_no, category, source, amount_wan::DOUBLE AS amount_wan, issue, source_line
FROM plan_investment i
WHERE i.doc_no = plan_or_latest($plan) AND i.issue = (SELECT issue FROM plan_catalog WHERE doc_no = plan_or_latest($plan))
ORDER BY column_no, category_no, source
