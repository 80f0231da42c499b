-- scope: public (published or reference data, the same for every role)
-- The plan's indicators (专栏1) from the newest issue that carries them.
SELECT seq, section, name, unit, baseline_text, target_text, baseline_value, target_value, comparator, binding,
       baseline_year, target_year, unit_mixed, doc_no, issue
FROM plan_indicator
WHERE issue = (SELECT max(issue) FROM plan_indicator)
ORDER BY seq
