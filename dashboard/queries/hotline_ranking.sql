-- scope: county, department (a county account sees its own county's row; a department account its own)
-- 红黑榜 (warehouse model hotline_ranking): one period's ranking of counties or 承办单位 on one measure, best first.
SELECT rank, unit, value, rank_change, board, due, prev_rank, ranked
FROM hotline_ranking
WHERE period_kind = $period_kind AND period = $period AND unit_kind = $unit_kind AND measure = $measure
  AND (len($counties) = 0 OR unit_kind <> 'county' OR list_contains($counties, unit))
  AND (len($departments) = 0 OR unit_kind <> 'department' OR list_contains($departments, unit))
ORDER BY rank, unit
