-- scope: public
-- The months with 热点诉求, latest first.
SELECT DISTINCT strftime(month, '%Y-%m') AS month FROM hot_problem ORDER BY month DESC
