SELECT period, period_end, assessment_type, total_score, verdict FROM concession_result WHERE enterprise = $enterprise ORDER BY period_end, assessment_type
