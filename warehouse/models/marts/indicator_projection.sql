-- A projection to the end of the plan's target year from the trend of the reported actuals (least squares over the
-- period ends, at least two points), with its 80% prediction interval where there are three points or more (the
-- ordinary least-squares interval: t(0.9, n − 2) · s · √(1 + 1/n + (x₀ − x̄)² / Sxx), s the residuals' standard error).
--
-- columns:
--   points — reported period ends the trend rests on
--   projected — the trend's value at the end of target_year
--   projected_lo80 — its 80% prediction interval (NULL under three points)
--   projected_hi80 — its 80% prediction interval (NULL under three points)
--   on_track — projected reaches the target
CREATE TABLE indicator_projection AS
WITH t90 (df, t) AS (
    -- Student's t, 90th percentile (a two-sided 80% interval), by degrees of freedom; the normal 1.2816 beyond 10
    VALUES (1, 3.078), (2, 1.886), (3, 1.638), (4, 1.533), (5, 1.476), (6, 1.440), (7, 1.415), (8, 1.397), (9, 1.383), (10, 1.372)
), fit AS (
    SELECT p.doc_no AS plan_doc_no, a.seq, a.county, count(*) AS points, any_value(p.target_year) AS target_year,
           regr_intercept(a.value, epoch(a.period_end) / 86400.0) AS intercept,
           regr_slope(a.value, epoch(a.period_end) / 86400.0) AS slope,
           regr_sxx(a.value, epoch(a.period_end) / 86400.0) AS sxx,
           regr_syy(a.value, epoch(a.period_end) / 86400.0) AS syy,
           regr_avgx(a.value, epoch(a.period_end) / 86400.0) AS xbar,
           epoch(make_date(any_value(p.target_year), 12, 31)) / 86400.0 AS x0,
           any_value(i.target_value) AS target_value
    FROM indicator_actual a
    JOIN plan_catalog p ON year(a.period_end) > p.baseline_year AND year(a.period_end) <= p.target_year
    JOIN plan_indicator i ON i.doc_no = p.doc_no AND i.issue = p.issue AND i.seq = a.seq
    WHERE i.target_value IS NOT NULL
    GROUP BY p.doc_no, a.seq, a.county
    HAVING count(DISTINCT a.period_end) >= 2
), projected AS (
    SELECT f.*, f.intercept + f.slope * f.x0 AS projected,
           CASE WHEN f.points >= 3 THEN coalesce(t90.t, 1.2816)
                * sqrt(greatest(f.syy - f.slope * f.slope * f.sxx, 0) / (f.points - 2))
                * sqrt(1 + 1 / f.points + (f.x0 - f.xbar) ^ 2 / f.sxx) END AS half_width
    FROM fit f LEFT JOIN t90 ON t90.df = f.points - 2
)
SELECT plan_doc_no, seq, county, points, target_year, projected,
       projected - half_width AS projected_lo80, projected + half_width AS projected_hi80,
       target_value, projected >= target_value AS on_track
FROM projected;
