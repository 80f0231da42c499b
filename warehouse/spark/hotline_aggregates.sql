-- The hotline aggregates (hotline_cube, hotline_dept_score) in Spark SQL, for a lake too large for one machine
-- (docs/SCALE.md). The same rules as warehouse/models — hotline_ticket.sql, hotline_cube.sql, hotline_dept_score.sql —
-- ported statement by statement; tests/test_spark.py proves the two equal on the same lake. The rules themselves
-- (time limits, windows, penalties) are read as data, from the reference files and the calendar, as DuckDB reads them.
--
-- Views given by etl/spark_job.py: tickets (every lake ticket file), calendar, hotline_rule, hotline_setting
-- (key, value), cut_off (one row: as_of).

-- the latest exported state of each ticket (hotline_ticket.sql: the version whose latest event is newest, then the one
-- with a visit result, then the file that sorts last)
CREATE OR REPLACE TEMP VIEW latest AS
SELECT * FROM (
    SELECT *, row_number() OVER (
        PARTITION BY ticket_id
        ORDER BY greatest(received_at, coalesce(dispatched_at, received_at), coalesce(signed_at, received_at),
                          coalesce(returned_at, received_at), coalesce(closed_at, received_at)) DESC,
                 (satisfaction IS NOT NULL AND satisfaction <> '未回访') DESC,
                 source_file DESC, source_row DESC) AS version_rank
    FROM tickets
) WHERE version_rank = 1;

CREATE OR REPLACE TEMP VIEW setting AS
SELECT CAST(max(CASE WHEN key = 'sign_window_hours' THEN value END) AS INT) AS sign_window_hours,
       CAST(max(CASE WHEN key = 'repeat_window_days' THEN value END) AS INT) AS repeat_window_days,
       CAST(max(CASE WHEN key = 'score_base' THEN value END) AS DOUBLE) AS score_base,
       CAST(max(CASE WHEN key = 'late_closed_penalty' THEN value END) AS DOUBLE) AS late_closed_penalty,
       CAST(max(CASE WHEN key = 'overdue_open_penalty' THEN value END) AS DOUBLE) AS overdue_open_penalty,
       CAST(max(CASE WHEN key = 'full_quarter_bonus' THEN value END) AS DOUBLE) AS full_quarter_bonus
FROM hotline_setting;

CREATE OR REPLACE TEMP VIEW limits AS
SELECT t.*,
       CASE WHEN t.answered_directly THEN coalesce(t.closed_at, t.received_at) ELSE t.closed_at END AS closed_at_eff,
       r.standard_days,
       r.max_days + r.extension_days * t.extensions AS max_days_total,
       rc.workday_no AS received_workday_no,
       rc.is_provisional AS received_provisional
FROM latest t
JOIN calendar rc ON rc.date = to_date(t.received_at)
LEFT JOIN hotline_rule r ON r.category = t.category;

-- one row per ticket with what the aggregates count (hotline_ticket.sql: N working days end at 23:59:59 of the N-th
-- working day after the day of receipt)
CREATE OR REPLACE TEMP VIEW ticket AS
WITH workday AS (SELECT workday_no, date, is_provisional FROM calendar WHERE is_workday),
dated AS (
    SELECT l.*, CAST(md.date AS TIMESTAMP_NTZ) + INTERVAL '23:59:59' HOUR TO SECOND AS deadline_at, md.is_provisional AS due_provisional,
           cc.workday_no AS closed_workday_no
    FROM limits l
    LEFT JOIN workday md ON md.workday_no = l.received_workday_no + l.max_days_total
    LEFT JOIN calendar cc ON cc.date = to_date(l.closed_at_eff)
)
SELECT
    CAST(trunc(d.received_at, 'MM') AS DATE) AS month, d.county, d.department, d.category, d.channel, d.topic,
    d.received_at, d.answered_directly, d.satisfaction, d.is_demo,
    d.closed_at_eff AS closed_at,
    (d.received_provisional OR coalesce(d.due_provisional, false)) AS calendar_provisional,
    CASE WHEN d.answered_directly THEN true
         WHEN d.closed_at_eff IS NULL THEN NULL
         WHEN d.max_days_total IS NULL THEN true
         ELSE d.closed_at_eff <= d.deadline_at END AS closed_on_time,
    (NOT d.answered_directly AND d.closed_at_eff IS NULL AND d.deadline_at < c.as_of) AS overdue_open,
    CASE WHEN d.dispatched_at IS NULL THEN NULL
         WHEN d.signed_at IS NOT NULL THEN d.signed_at <= d.dispatched_at + make_dt_interval(0, s.sign_window_hours)
         WHEN c.as_of > d.dispatched_at + make_dt_interval(0, s.sign_window_hours) THEN false
    END AS sign_on_time,
    CASE WHEN d.answered_directly THEN 0
         WHEN d.closed_at_eff IS NOT NULL THEN d.closed_workday_no - d.received_workday_no END AS workdays_to_close,
    coalesce(d.caller_hash IS NOT NULL AND lag(d.received_at) OVER (PARTITION BY d.caller_hash ORDER BY d.received_at, d.ticket_id)
        >= d.received_at - make_dt_interval(s.repeat_window_days), false) AS repeat_caller
FROM dated d CROSS JOIN cut_off c CROSS JOIN setting s;

-- hotline_cube.sql
CREATE OR REPLACE TEMP VIEW hotline_cube AS
SELECT month, county, department, category, channel, topic,
       count(*) AS volume,
       count_if(answered_directly) AS direct,
       count_if(sign_on_time) AS signed_on_time,
       count(sign_on_time) AS sign_judged,
       count(closed_at) AS closed,
       count_if(closed_on_time) AS closed_on_time,
       count_if(overdue_open) AS overdue_open,
       count_if(closed_at IS NOT NULL AND NOT closed_on_time) AS late_closed,
       count_if(satisfaction IN ('满意', '基本满意')) AS satisfied,
       count_if(satisfaction IN ('满意', '基本满意', '不满意')) AS visited,
       CAST(coalesce(sum(CASE WHEN NOT answered_directly THEN workdays_to_close END), 0) AS BIGINT) AS workdays_sum,
       count(CASE WHEN NOT answered_directly THEN workdays_to_close END) AS workdays_n,
       count_if(repeat_caller) AS repeat_callers,
       count_if(calendar_provisional) AS provisional,
       bool_or(is_demo) AS has_demo
FROM ticket
GROUP BY month, county, department, category, channel, topic;

-- hotline_dept_score.sql
CREATE OR REPLACE TEMP VIEW hotline_dept_score AS
WITH q AS (
    SELECT department, year(received_at) AS year, quarter(received_at) AS quarter,
           count(*) AS received,
           count_if(closed_on_time) AS on_time,
           count_if(closed_at IS NOT NULL AND NOT closed_on_time) AS late_closed,
           count_if(overdue_open) AS overdue_open
    FROM ticket
    WHERE department IS NOT NULL
    GROUP BY department, year(received_at), quarter(received_at)
)
SELECT q.department, q.year,
       greatest(0, max(s.score_base) - max(s.late_closed_penalty) * sum(q.late_closed) - max(s.overdue_open_penalty) * sum(q.overdue_open)
                   + max(s.full_quarter_bonus) * count_if(q.received > 0 AND q.on_time = q.received)) AS score,
       CAST(sum(q.late_closed) AS BIGINT) AS late_closed,
       CAST(sum(q.overdue_open) AS BIGINT) AS overdue_open,
       count_if(q.received > 0 AND q.on_time = q.received) AS full_quarters,
       CAST(sum(q.received) AS BIGINT) AS received
FROM q CROSS JOIN setting s
GROUP BY q.department, q.year;
