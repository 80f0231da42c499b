-- scope: public (published or reference data, the same for every role)
-- Headline figures from what the warehouse holds (the latest plan, the hotline registry of the newest issue, findings).
WITH chosen AS (SELECT doc_no, issue FROM plan_catalog WHERE doc_no = plan_or_latest(NULL)),
plan AS (
    SELECT count(*) AS indicators, count(*) FILTER (WHERE binding = '约束性') AS binding_indicators,
           min(baseline_year) AS plan_baseline_year, max(target_year) AS plan_target_year
    FROM plan_indicator SEMI JOIN chosen USING (doc_no, issue)
),
investment AS (
    -- the printed 2021–2025 total, and the sum of its parts (they differ where the gazette's own sums do)
    SELECT max(amount_wan) FILTER (WHERE category = '合计' AND source = '合计')::DOUBLE AS plan_total_wan,
           sum(amount_wan) FILTER (WHERE category <> '合计' AND source <> '合计')::DOUBLE AS plan_parts_wan
    FROM plan_investment SEMI JOIN chosen USING (doc_no, issue) WHERE year IS NULL
),
lines AS (
    SELECT count(*) AS hotlines, count(*) FILTER (WHERE merge_type = '整体并入') AS hotlines_merged
    FROM hotline_line WHERE issue = (SELECT max(issue) FROM hotline_line)
),
findings AS (SELECT count(*) FILTER (WHERE severity = 'material') AS material_findings, count(*) AS findings FROM dq_finding)
SELECT plan.*, investment.*, lines.*,
       (SELECT count(*) FROM chronicle_event) AS events,
       (SELECT count(DISTINCT leader) FROM chronicle_event_leader) AS leaders,
       (SELECT count(*) FROM gazette_document) AS documents,
       findings.*
FROM plan, investment, lines, findings
