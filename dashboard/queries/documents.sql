SELECT issue, doc_no, title, issued_on FROM gazette_document ORDER BY issue DESC, source_line
