-- Checks on the loaded tables declared in schema.sql, run on a freshly built warehouse before it replaces the
-- one being served. Each '-- check: <name>' statement returns the offending rows; any row fails the run.

-- check: calendar_is_contiguous
SELECT date FROM (SELECT date, lag(date) OVER (ORDER BY date) AS prev FROM calendar) WHERE prev IS NOT NULL AND date - prev <> 1;

-- check: workday_no_consecutive
SELECT date FROM (SELECT date, workday_no, lag(workday_no) OVER (ORDER BY date) AS prev FROM calendar WHERE is_workday)
WHERE prev IS NOT NULL AND workday_no <> prev + 1;

-- check: indicator_binding_known
SELECT issue, seq FROM plan_indicator WHERE binding NOT IN ('约束性', '预期性');

-- check: investment_source_known
SELECT issue, column_no, category, source FROM plan_investment WHERE source NOT IN ('合计', '财政衔接资金', '其他财政资金', '其他资金');

-- check: hotline_merge_type_known
SELECT issue, name FROM hotline_line WHERE merge_type NOT IN ('整体并入', '双号并行');

-- check: event_dates_ordered
SELECT event_id FROM chronicle_event WHERE date_end < date_start;

-- check: event_links_resolve
SELECT event_id FROM chronicle_event_leader WHERE event_id NOT IN (SELECT event_id FROM chronicle_event)
UNION ALL
SELECT event_id FROM chronicle_event_county WHERE event_id NOT IN (SELECT event_id FROM chronicle_event);

-- check: event_counties_in_dimension
SELECT event_id, county FROM chronicle_event_county WHERE county NOT IN (SELECT county_name FROM county);

-- check: personnel_action_known
SELECT issue, name FROM personnel_change WHERE action NOT IN ('任', '免');
