-- scope: public (published or reference data, the same for every role)
-- Every plan loaded, latest first: its 文号, name (from its document's title), years and the issue it is read from.
SELECT p.doc_no, p.baseline_year, p.target_year, p.issue,
       coalesce(nullif(regexp_extract(d.title, '关于印发(.+)的通知', 1), ''), d.title, p.doc_no) AS plan_name
FROM plan_catalog p
LEFT JOIN gazette_document d ON d.doc_no = p.doc_no AND d.issue = p.issue
ORDER BY p.target_year DESC, p.issue DESC
