-- Every 承办单位: those of the hotline registry (附件1), and those seen only in tickets, flagged for review.
--
-- columns:
--   department — name as printed
--   source — where it was first seen (12345热线归并清单（附件1）)
--   is_flagged — true for a name that arrived in data but is in no registry (used by later domains)
--   note — free text
CREATE TABLE department AS
WITH registry AS (SELECT DISTINCT department FROM hotline_line WHERE department IS NOT NULL)
SELECT department, '12345热线归并清单（附件1）' AS source, false AS is_flagged, NULL::VARCHAR AS note
FROM registry
UNION ALL
SELECT DISTINCT department, '12345工单', true, '工单中出现、但不在归并清单中的承办单位'
FROM hotline_ticket
WHERE department IS NOT NULL AND department NOT IN (SELECT department FROM registry)
ORDER BY department;
