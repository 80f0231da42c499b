-- Builds hotline_ticket_version, hotline_ticket, its page aggregates and hotline_dept_score from the view
-- src_hotline_ticket (every loaded row of the lake), hotline_rule, hotline_setting and calendar. Needs the
-- variable as_of (the data cut-off) to be set.
--
-- Deadlines: N working days end at 23:59:59 of the N-th working day after the day of receipt; the
-- receipt day never counts. calendar.workday_no of a non-working day is that of the working day before,
-- so the N-th working day after day D is the working day numbered D.workday_no + N in every case.

-- Tickets that came in more than one export keep all their versions here; a ticket exported once is
-- only in hotline_ticket (with its source_file), so ten million rows are written once, not twice.
CREATE TEMP TABLE hotline_reexported AS
SELECT ticket_id FROM src_hotline_ticket GROUP BY ticket_id HAVING count(*) > 1;

INSERT INTO hotline_ticket_version BY NAME
SELECT * FROM src_hotline_ticket SEMI JOIN hotline_reexported USING (ticket_id);

CREATE TABLE hotline_ticket AS
WITH latest AS (
    SELECT * FROM src_hotline_ticket ANTI JOIN hotline_reexported USING (ticket_id)
    UNION ALL BY NAME
    -- a later export of the same ticket replaces the earlier one: the version whose latest event is newest
    -- wins; on a tie (e.g. only the visit result changed) the version with a visit result, then the file
    -- that sorts last by name
    SELECT * FROM hotline_ticket_version
    QUALIFY row_number() OVER (
        PARTITION BY ticket_id
        ORDER BY greatest(received_at, coalesce(dispatched_at, received_at), coalesce(signed_at, received_at),
                          coalesce(returned_at, received_at), coalesce(closed_at, received_at)) DESC,
                 (satisfaction IS NOT NULL AND satisfaction <> '未回访') DESC,
                 source_file DESC, source_row DESC
    ) = 1
),
workday AS (SELECT workday_no, date, is_provisional FROM calendar WHERE is_workday),
s AS (SELECT key, value FROM hotline_setting),
limits AS (
    SELECT t.*,
           CASE WHEN t.answered_directly THEN coalesce(t.closed_at, t.received_at) ELSE t.closed_at END AS closed_at_eff,
           r.standard_days,
           r.max_days + r.extension_days * t.extensions AS max_days_total,
           rc.workday_no AS received_workday_no,
           rc.is_provisional AS received_provisional
    FROM latest t
    JOIN calendar rc ON rc.date = t.received_at::DATE
    LEFT JOIN hotline_rule r USING (category)
)
SELECT
    l.ticket_id, l.received_at, l.channel, l.category, l.topic, l.county, l.county_key, l.department, l.handling,
    l.answered_directly, l.dispatched_at, l.signed_at, l.returned_at, l.extensions,
    l.closed_at_eff AS closed_at,
    l.satisfaction, l.content, l.caller_hash, l.is_demo, l.source_file,
    date_trunc('month', l.received_at)::DATE AS month,
    l.standard_days, l.max_days_total,
    sd.date + INTERVAL '23:59:59' AS standard_deadline_at,
    md.date + INTERVAL '23:59:59' AS deadline_at,
    -- received, or due, in a year whose official holidays are not entered yet: its deadline may move
    (l.received_provisional OR coalesce(md.is_provisional, false)) AS calendar_provisional,
    CASE WHEN l.answered_directly THEN true
         WHEN l.closed_at_eff IS NULL THEN NULL
         WHEN l.max_days_total IS NULL THEN true
         ELSE l.closed_at_eff <= md.date + INTERVAL '23:59:59' END AS closed_on_time,
    (NOT l.answered_directly AND l.closed_at_eff IS NULL AND md.date + INTERVAL '23:59:59' < getvariable('as_of')) AS overdue_open,
    CASE WHEN l.dispatched_at IS NULL THEN NULL
         WHEN l.signed_at IS NOT NULL
             THEN l.signed_at <= l.dispatched_at + to_hours((SELECT value FROM s WHERE key = 'sign_window_hours')::BIGINT)
         WHEN getvariable('as_of') > l.dispatched_at + to_hours((SELECT value FROM s WHERE key = 'sign_window_hours')::BIGINT) THEN false
    END AS sign_on_time,
    CASE WHEN l.returned_at IS NULL THEN NULL
         ELSE l.returned_at <= coalesce(l.signed_at, l.dispatched_at) + to_hours((SELECT value FROM s WHERE key = 'return_window_hours')::BIGINT)
    END AS return_on_time,
    CASE WHEN l.answered_directly THEN 0
         WHEN l.closed_at_eff IS NOT NULL THEN cc.workday_no - l.received_workday_no END AS workdays_to_close,
    CASE WHEN l.closed_at_eff IS NULL AND NOT l.answered_directly AND md.date IS NOT NULL
         THEN greatest(0, (SELECT workday_no FROM calendar WHERE date = getvariable('as_of')::DATE) - md.workday_no) END AS workdays_overdue,
    coalesce(l.caller_hash IS NOT NULL AND lag(l.received_at) OVER (PARTITION BY l.caller_hash ORDER BY l.received_at, l.ticket_id)
        >= l.received_at - to_days((SELECT value FROM s WHERE key = 'repeat_window_days')::INTEGER), false) AS repeat_caller
FROM limits l
LEFT JOIN workday sd ON sd.workday_no = l.received_workday_no + l.standard_days
LEFT JOIN workday md ON md.workday_no = l.received_workday_no + l.max_days_total
LEFT JOIN calendar cc ON cc.date = l.closed_at_eff::DATE;

-- Page aggregates, built once here so that a filter change reads thousands of rows, not millions.
-- Every figure of the hotline pages is a sum of these counts over the rows in the filter scope.
CREATE TABLE hotline_cube AS
SELECT month, county, department, category, channel, topic,
       count(*) AS volume,
       count(*) FILTER (WHERE answered_directly) AS direct,
       count(*) FILTER (WHERE sign_on_time) AS signed_on_time,
       count(sign_on_time) AS sign_judged,
       count(closed_at) AS closed,
       count(*) FILTER (WHERE closed_on_time) AS closed_on_time,
       count(*) FILTER (WHERE overdue_open) AS overdue_open,
       count(*) FILTER (WHERE closed_at IS NOT NULL AND NOT closed_on_time) AS late_closed,
       count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意')) AS satisfied,
       count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意', '不满意')) AS visited,
       coalesce(sum(workdays_to_close) FILTER (WHERE NOT answered_directly), 0)::BIGINT AS workdays_sum,
       count(workdays_to_close) FILTER (WHERE NOT answered_directly) AS workdays_n,
       count(*) FILTER (WHERE repeat_caller) AS repeat_callers,
       count(*) FILTER (WHERE calendar_provisional) AS provisional,
       bool_or(is_demo) AS has_demo
FROM hotline_ticket
GROUP BY ALL
ORDER BY month, county;

-- The choices of the filter bars (months, departments, categories, channels) with their ticket counts.
CREATE TABLE hotline_choice AS
SELECT 'month' AS kind, strftime(month, '%Y-%m') AS value, sum(volume)::BIGINT AS n FROM hotline_cube GROUP BY ALL
UNION ALL SELECT 'department', department, sum(volume)::BIGINT FROM hotline_cube WHERE department IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'category', category, sum(volume)::BIGINT FROM hotline_cube GROUP BY ALL
UNION ALL SELECT 'channel', channel, sum(volume)::BIGINT FROM hotline_cube WHERE channel IS NOT NULL GROUP BY ALL;

-- Dispatched, closed tickets by working days to close (capped at 40), for the histograms.
CREATE TABLE hotline_close_days AS
SELECT month, county, department, category, channel, least(workdays_to_close, 40) AS workdays,
       count(*) AS tickets, any_value(standard_days) AS standard_days, max(max_days_total) AS max_days
FROM hotline_ticket
WHERE NOT answered_directly AND closed_at IS NOT NULL
GROUP BY ALL
ORDER BY month, county;

-- Tickets open past their deadline at the cut-off: the list leaders act on.
CREATE TABLE hotline_overdue AS
SELECT month, ticket_id, received_at, category, topic, county, department, channel, extensions, deadline_at,
       workdays_overdue, content
FROM hotline_ticket
WHERE overdue_open
ORDER BY month, county;

-- The data-derived part of 附件3: 100 − 0.5 per ticket closed late − 1 per ticket open past its deadline
-- + 5 per quarter in which every ticket the department received (at least one) closed on time; tickets
-- count in the year and quarter of receipt; never below 0.
CREATE TABLE hotline_dept_score AS
WITH s AS (SELECT key, value FROM hotline_setting),
q AS (
    SELECT department, year(received_at) AS year, quarter(received_at) AS quarter,
           count(*) AS received,
           count(*) FILTER (WHERE closed_on_time) AS on_time,
           count(*) FILTER (WHERE closed_at IS NOT NULL AND NOT closed_on_time) AS late_closed,
           count(*) FILTER (WHERE overdue_open) AS overdue_open
    FROM hotline_ticket
    WHERE department IS NOT NULL
    GROUP BY ALL
)
SELECT department, year,
       greatest(0, (SELECT value FROM s WHERE key = 'score_base')
                   - (SELECT value FROM s WHERE key = 'late_closed_penalty') * sum(late_closed)
                   - (SELECT value FROM s WHERE key = 'overdue_open_penalty') * sum(overdue_open)
                   + (SELECT value FROM s WHERE key = 'full_quarter_bonus') * count(*) FILTER (WHERE received > 0 AND on_time = received)
       ) AS score,
       sum(late_closed)::BIGINT AS late_closed,
       sum(overdue_open)::BIGINT AS overdue_open,
       count(*) FILTER (WHERE received > 0 AND on_time = received) AS full_quarters,
       sum(received)::BIGINT AS received
FROM q
GROUP BY ALL
ORDER BY department, year;

-- Departments seen in tickets but in no registry are added and flagged.
INSERT INTO department
SELECT DISTINCT department, '12345工单', true, '工单中出现、但不在归并清单中的承办单位'
FROM hotline_ticket
WHERE department IS NOT NULL AND department NOT IN (SELECT department FROM department);
