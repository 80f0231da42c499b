-- Each ticket with a caller and a 事项分类, with how many tickets its caller raised on that 事项分类 within the span of the
-- 预警 rule repeat_demand (reference/alert_rules.csv) up to and including it; alert counts the callers who reach the
-- rule's threshold. No rows while the rule is off.
--
-- columns:
--   ticket_id — 工单编号
--   caller_hash — the caller key (counted, never shown)
--   topic — 事项分类
--   county — the ticket's county
--   month — first day of the month of receipt
--   n — the caller's tickets on this 事项分类 within the span up to and including this one
-- incremental: ticket_id
CREATE TABLE hotline_repeat_demand AS
SELECT t.ticket_id, t.caller_hash, t.topic, t.county, t.month,
       count(*) OVER (PARTITION BY t.caller_hash, t.topic ORDER BY t.received_at
                      RANGE BETWEEN to_days(CAST(r.span AS INTEGER)) PRECEDING AND CURRENT ROW) AS n
FROM hotline_ticket t
JOIN alert_rule r ON r.kind = 'repeat_demand' AND r.enabled
WHERE t.caller_hash IS NOT NULL AND t.topic IS NOT NULL;
