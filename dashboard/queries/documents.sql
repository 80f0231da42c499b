-- scope: public (published or reference data, the same for every role)
SELECT issue, doc_no, title, issued_on FROM gazette_document ORDER BY issue DESC, source_line
