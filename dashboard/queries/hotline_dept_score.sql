-- scope: department (per 承办单位: a department account sees its own; a county account none, the score being city-wide)
SELECT department, year, score AS dept_score, late_closed, overdue_open, full_quarters, received
FROM hotline_dept_score WHERE year = $year AND (len($departments) = 0 OR list_contains($departments, department))
