-- A projection to the end of the plan's target year from the trend of the reported actuals (least squares over the
-- period ends, at least two points).
CREATE TABLE indicator_projection AS
SELECT p.doc_no AS plan_doc_no, a.seq, a.county, count(*) AS points, any_value(p.target_year) AS target_year,
       regr_intercept(a.value, epoch(a.period_end) / 86400.0)
         + regr_slope(a.value, epoch(a.period_end) / 86400.0) * (epoch(make_date(any_value(p.target_year), 12, 31)) / 86400.0) AS projected,
       any_value(i.target_value) AS target_value,
       (regr_intercept(a.value, epoch(a.period_end) / 86400.0)
         + regr_slope(a.value, epoch(a.period_end) / 86400.0) * (epoch(make_date(any_value(p.target_year), 12, 31)) / 86400.0))
         >= any_value(i.target_value) AS on_track
FROM indicator_actual a
JOIN plan_catalog p ON year(a.period_end) > p.baseline_year AND year(a.period_end) <= p.target_year
JOIN plan_indicator i ON i.doc_no = p.doc_no AND i.issue = p.issue AND i.seq = a.seq
WHERE i.target_value IS NOT NULL
GROUP BY p.doc_no, a.seq, a.county
HAVING count(DISTINCT a.period_end) >= 2;
