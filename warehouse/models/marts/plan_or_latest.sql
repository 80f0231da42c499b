-- The plan a page shows: the one asked for, else the latest (the plan with the latest target year).
CREATE MACRO plan_or_latest(asked) AS coalesce(asked, (SELECT doc_no FROM plan_catalog ORDER BY target_year DESC, issue DESC LIMIT 1));
