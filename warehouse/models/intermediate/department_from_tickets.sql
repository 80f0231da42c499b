-- Departments seen in tickets but in no registry are added and flagged.
INSERT INTO department
SELECT DISTINCT department, '12345工单', true, '工单中出现、但不在归并清单中的承办单位'
FROM hotline_ticket
WHERE department IS NOT NULL AND department NOT IN (SELECT department FROM department);
