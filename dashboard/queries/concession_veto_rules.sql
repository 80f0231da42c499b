SELECT veto_no, text FROM concession_veto_rule ORDER BY veto_no
