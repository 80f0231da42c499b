-- scope: public (published or reference data, the same for every role)
SELECT veto_no, text FROM concession_veto_rule ORDER BY veto_no
