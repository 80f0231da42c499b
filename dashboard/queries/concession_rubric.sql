-- scope: public (published or reference data, the same for every role)
SELECT item_code, group_no, group_name, group_max, item_name, max_points, method, basis, source, inferred, note
FROM concession_rubric ORDER BY group_no, string_split(item_code, '.')[2]::INTEGER
