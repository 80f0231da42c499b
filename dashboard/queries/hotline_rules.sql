-- scope: public (published or reference data, the same for every role)
SELECT r.category, r.standard_days, r.max_days, r.extension_days, r.max_extensions FROM hotline_rule r ORDER BY r.standard_days NULLS LAST, r.category
