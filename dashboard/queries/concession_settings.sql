-- scope: public (published or reference data, the same for every role)
SELECT key, value FROM concession_setting
