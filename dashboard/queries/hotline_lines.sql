SELECT merge_type, group_seq, name, numbers_text AS numbers, department, note, issue
FROM hotline_line WHERE issue = (SELECT max(issue) FROM hotline_line)
ORDER BY merge_type DESC, group_seq
