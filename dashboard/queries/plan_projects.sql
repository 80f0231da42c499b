-- scope: public (published or reference data, the same for every role)
SELECT column_no, group_name, subgroup, item, count, unit, scale_text, year, printed, issue
FROM plan_project
WHERE issue = (SELECT max(issue) FROM plan_project)
ORDER BY column_no, source_line, year NULLS FIRST
