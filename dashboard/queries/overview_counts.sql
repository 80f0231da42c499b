-- Headline figures from what the warehouse holds.
SELECT
  (SELECT count(*) FROM plan_indicator WHERE issue = (SELECT max(issue) FROM plan_indicator)) AS indicators,
  (SELECT count(*) FILTER (WHERE binding = '约束性') FROM plan_indicator WHERE issue = (SELECT max(issue) FROM plan_indicator)) AS binding_indicators,
  (SELECT max(amount_wan)::DOUBLE FROM plan_investment WHERE year IS NULL AND category = '合计' AND source = '合计'
       AND issue = (SELECT max(issue) FROM plan_investment)) AS plan_total_wan,
  (SELECT sum(amount_wan)::DOUBLE FROM v_plan_investment_detail WHERE year IS NULL
       AND issue = (SELECT max(issue) FROM plan_investment)) AS plan_parts_wan,
  (SELECT count(*) FROM hotline_line WHERE issue = (SELECT max(issue) FROM hotline_line)) AS hotlines,
  (SELECT count(*) FILTER (WHERE merge_type = '整体并入') FROM hotline_line WHERE issue = (SELECT max(issue) FROM hotline_line)) AS hotlines_merged,
  (SELECT count(*) FROM chronicle_event) AS events,
  (SELECT count(DISTINCT leader) FROM chronicle_event_leader) AS leaders,
  (SELECT count(*) FROM gazette_document) AS documents,
  (SELECT count(*) FROM dq_finding WHERE severity = 'material') AS material_findings,
  (SELECT count(*) FROM dq_finding) AS findings
