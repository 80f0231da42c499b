CREATE TABLE concession_score AS
SELECT s.enterprise, s.period, s.assessment_type, v.item_code, r.item_name, r.group_no, r.group_name, v.score, r.max_points,
       100.0 * v.score / r.max_points AS pct_of_max, v.remark, s.year, s.quarter
FROM concession_sheet s
JOIN concession_score_version v USING (enterprise, period, assessment_type, source_file)
JOIN concession_rubric r USING (item_code)
QUALIFY row_number() OVER (PARTITION BY s.enterprise, s.period, s.assessment_type, v.item_code ORDER BY v.source_row DESC) = 1;
