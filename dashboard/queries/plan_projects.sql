-- scope: public (published or reference data, the same for every role)
SELECT column_no, group_name, subgroup, item, count, unit, scale_text, year, printed, issue
FROM plan_project i
WHERE i.doc_no = plan_or_latest($plan) AND i.issue = (SELECT issue FROM plan_catalog WHERE doc_no = plan_or_latest($plan))
ORDER BY column_no, source_line, year NULLS FIRST
