-- columns:
--   period — `2023`, `2023Q2`, `2023-06`
--   period_type — 年度/季度/月度
--   value — the number (1/0 for 是/否), `value_text` — as reported; `note`, `source_file`, `source_row`, `is_demo`
CREATE TABLE indicator_actual AS
SELECT * FROM indicator_actual_version
QUALIFY row_number() OVER (PARTITION BY seq, county, period ORDER BY source_file DESC, source_row DESC) = 1;
