SELECT source_file, row, "column", reason, value FROM hotline_reject ORDER BY source_file, row NULLS FIRST, "column"
