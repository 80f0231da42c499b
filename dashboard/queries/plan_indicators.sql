-- scope: public (published or reference data, the same for every role)
-- One plan's indicators (专栏1; $plan is its 文号, NULL for the latest plan) from the newest issue that carries it, with the plan's name from its document's
-- title (…关于印发<plan>的通知); the plan's years are the indicators' baseline_year and target_year.
SELECT i.seq, i.section, i.name, i.unit, i.baseline_text, i.target_text, i.baseline_value, i.target_value, i.comparator, i.binding,
       i.baseline_year, i.target_year, i.unit_mixed, i.doc_no, i.issue,
       coalesce(nullif(regexp_extract(d.title, '关于印发(.+)的通知', 1), ''), d.title, '规划') AS plan_name
FROM plan_indicator i
LEFT JOIN gazette_document d ON d.issue = i.issue AND d.doc_no = i.doc_no
JOIN plan_catalog p ON p.doc_no = i.doc_no AND p.issue = i.issue
WHERE i.doc_no = plan_or_latest($plan)
ORDER BY i.seq
