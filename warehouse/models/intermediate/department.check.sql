-- Checks on department, run before the warehouse is served: any row returned fails the run.

-- check: department_is_unique
SELECT department, count(*) AS n FROM department GROUP BY department HAVING count(*) > 1;
