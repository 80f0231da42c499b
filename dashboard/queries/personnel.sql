-- scope: public (published or reference data, the same for every role)
SELECT p.doc_no, d.issued_on, p.name, p.action, p.post, p.issue
FROM personnel_change p LEFT JOIN gazette_document d USING (issue, doc_no)
ORDER BY p.issue DESC, p.source_line
