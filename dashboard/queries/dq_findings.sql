-- scope: public (published or reference data, the same for every role)
-- Data-quality findings; $domains empty means all domains.
SELECT domain, severity, location, printed, computed, difference, message, check_name, source, issue
FROM dq_finding
WHERE len($domains) = 0 OR list_contains($domains, domain)
ORDER BY CASE severity WHEN 'material' THEN 0 WHEN 'unparsed' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, domain, location
