-- scope: county (a county's problems belong to it; the whole city's (county NULL) to city-wide accounts)
-- 热点诉求 of one month for the whole city ($county NULL) or one county (warehouse model hot_problem), most raised first.
SELECT rank, term, tickets, share, prev3_mean, prev3_share, rising
FROM hot_problem
WHERE month = $month AND county IS NOT DISTINCT FROM $county
ORDER BY rank, term
