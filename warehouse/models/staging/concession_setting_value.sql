-- A concession setting (reference/concession_settings.csv: full_marks, pass_mark, rectify_months) by key.
CREATE MACRO concession_setting_value(k) AS (SELECT value FROM concession_setting WHERE key = k);
