SELECT department, year, score, late_closed, overdue_open, full_quarters, received
FROM hotline_dept_score WHERE year = $year
