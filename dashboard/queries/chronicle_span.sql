-- scope: public (published or reference data, the same for every role)
SELECT min(date_start) AS first_date, max(date_end) AS last_date, count(*) AS events FROM chronicle_event
