-- Every plan loaded (a plan is its document, 文号; a later printing of the same plan replaces the earlier one),
-- with its years. Plans follow each other (2021–2025, 2026–2030 …): an actual belongs to the plan whose years hold
-- its period.
CREATE TABLE plan_catalog AS
SELECT doc_no, max(issue) AS issue, min(baseline_year) AS baseline_year, max(target_year) AS target_year
FROM plan_indicator
GROUP BY doc_no;
