-- scope: public
-- The periods with a ranking, latest first, for the 红黑榜 period choice.
SELECT DISTINCT period_kind, period, month FROM hotline_ranking ORDER BY period_kind, period DESC
