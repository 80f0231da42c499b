-- One row per ticket, its latest exported state, with its deadlines, timeliness and repeat-caller flags, from
-- hotline_ticket_version, hotline_rule, hotline_setting and calendar. Needs the variable as_of (the data cut-off),
-- which it reads through hotline_cut_off alone (overdue_open, sign_on_time, workdays_overdue): an incremental publish
-- brings open tickets to a new cut-off with that macro, from their own rows.
--
-- Deadlines: N working days end at 23:59:59 of the N-th working day after the day of receipt; the
-- receipt day never counts. calendar.workday_no of a non-working day is that of the working day before,
-- so the N-th working day after day D is the working day numbered D.workday_no + N in every case.
--
-- columns:
--   ticket_id — 工单编号
--   received_at — 受理时间
--   channel — 受理渠道 (电话, 网站, 微信, 小程序, APP, 短信, 其他)
--   category — 诉求类型 (咨询, 求助, 意见建议, 投诉, 举报, 表扬)
--   topic — 事项分类
--   county — 所属区县 normalised to the county dimension (NULL when not given)
--   county_key — 所属区县 normalised to the county dimension (NULL when not given)
--   department — 承办单位 (NULL for 当场答复)
--   handling — 当场答复 / 派单
--   answered_directly — handling = 当场答复
--   dispatched_at — 派单, 签收, 退单 times
--   signed_at — 派单, 签收, 退单 times
--   returned_at — 派单, 签收, 退单 times
--   closed_at — 办结时间; for 当场答复 the receipt time when none is given
--   extensions — approved extensions, 0–2
--   satisfaction — 满意 / 基本满意 / 不满意 / 未回访, NULL when not visited yet
--   content — 诉求内容 with phone and ID numbers masked
--   caller_hash — the first 64 bits of the salted sha256 of the caller's phone digits, as an unsigned integer (name and number are never stored; a number is cheaper to store and group by than 64 hex characters, and 64 bits keep collisions negligible: about 1 in 300,000 among 10 million callers)
--   is_demo — from a demo file (演示)
--   source_file — the export the row comes from
--   month — first day of the month of receipt
--   standard_days — the limits in working days (maximum includes 10 per extension for 投诉/举报); NULL for 表扬
--   max_days_total — the limits in working days (maximum includes 10 per extension for 投诉/举报); NULL for 表扬
--   standard_deadline_at — 23:59:59 of the N-th working day after the day of receipt (standard, maximum)
--   deadline_at — 23:59:59 of the N-th working day after the day of receipt (standard, maximum)
--   closed_on_time — closed no later than `deadline_at` (true for 当场答复 and for closed 表扬; NULL while open)
--   overdue_open — not closed and `deadline_at` before the cut-off (`warehouse_info.hotline_as_of`)
--   sign_on_time — signed within 2 hours of dispatch; false if unsigned and the window has passed at the cut-off; NULL if not dispatched
--   return_on_time — returned within 24 hours of signing; NULL if not returned
--   workdays_to_close — working days from the day of receipt to the day of closing (0 for 当场答复)
--   workdays_overdue — for open tickets past their deadline, working days since the deadline
--   repeat_caller — the same caller had another ticket in the previous 30 days
--   calendar_provisional — received, or due, in a provisional calendar year: the deadline may move once the year is entered
-- incremental: ticket_id

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
),
dated AS (
    SELECT l.*,
           sd.date + INTERVAL '23:59:59' AS standard_deadline_at,
           md.date + INTERVAL '23:59:59' AS deadline_at,
           md.workday_no AS deadline_workday_no,
           md.is_provisional AS deadline_provisional,
           cc.workday_no AS closed_workday_no
    FROM limits l
    LEFT JOIN workday sd ON sd.workday_no = l.received_workday_no + l.standard_days
    LEFT JOIN workday md ON md.workday_no = l.received_workday_no + l.max_days_total
    LEFT JOIN calendar cc ON cc.date = l.closed_at_eff::DATE
),
figured AS (
    SELECT *, hotline_cut_off(answered_directly, closed_at_eff, deadline_at, deadline_workday_no, dispatched_at, signed_at) AS cut_off
    FROM dated
)
SELECT
    l.ticket_id, l.received_at, l.channel, l.category, l.topic, l.county, l.county_key, l.department, l.handling,
    l.answered_directly, l.dispatched_at, l.signed_at, l.returned_at, l.extensions,
    l.closed_at_eff AS closed_at,
    l.satisfaction, l.content, l.caller_hash, l.is_demo, l.source_file,
    date_trunc('month', l.received_at)::DATE AS month,
    l.standard_days, l.max_days_total,
    l.standard_deadline_at,
    l.deadline_at,
    -- received, or due, in a year whose official holidays are not entered yet: its deadline may move
    (l.received_provisional OR coalesce(l.deadline_provisional, false)) AS calendar_provisional,
    CASE WHEN l.answered_directly THEN true
         WHEN l.closed_at_eff IS NULL THEN NULL
         WHEN l.max_days_total IS NULL THEN true
         ELSE l.closed_at_eff <= l.deadline_at END AS closed_on_time,
    l.cut_off.overdue_open AS overdue_open,
    l.cut_off.sign_on_time AS sign_on_time,
    CASE WHEN l.returned_at IS NULL THEN NULL
         ELSE l.returned_at <= coalesce(l.signed_at, l.dispatched_at) + to_hours((SELECT value FROM s WHERE key = 'return_window_hours')::BIGINT)
    END AS return_on_time,
    CASE WHEN l.answered_directly THEN 0
         WHEN l.closed_at_eff IS NOT NULL THEN l.closed_workday_no - l.received_workday_no END AS workdays_to_close,
    l.cut_off.workdays_overdue AS workdays_overdue,
    coalesce(l.caller_hash IS NOT NULL AND lag(l.received_at) OVER (PARTITION BY l.caller_hash ORDER BY l.received_at, l.ticket_id)
        >= l.received_at - to_days((SELECT value FROM s WHERE key = 'repeat_window_days')::INTEGER), false) AS repeat_caller
FROM figured l;
