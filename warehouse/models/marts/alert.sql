-- 预警: what needs a leader's action, one row per warning, from the rules an operator edits in
-- reference/alert_rules.csv (kind, severity, on/off, threshold, minimum volume, window). Rate thresholds are the 附件3
-- targets of hotline_setting (the rule names the setting), never a second copy. Hotline warnings are judged at the
-- data cut-off (variable as_of), the others at the run's time (variable run_at). first_seen carries over from the
-- warehouse this run replaces (alert_seen, loaded at publish); is_new marks a warning that one did not have.
--
-- The surge rule's forecast is the mean of the previous months (at most `span`, at least 3) of the same county
-- and 事项分类, its upper bound that mean plus `threshold` standard deviations of a forecast from that many months
-- (the months' own spread, or the Poisson spread √mean where the months vary less, times √(1 + 1/n)).
--
-- columns:
--   alert_key — identity of a warning across publishes: md5 of kind, scope and period
--   kind — the rule (alert_rule.kind)
--   label — the rule's Chinese name
--   severity — 严重 / 关注 / 提示 (alert_rule.severity)
--   severity_rank — 1 严重, 2 关注, 3 提示 (for sorting)
--   county — the county (or 、-joined counties) the warning concerns; NULL for a department or the whole city
--   counties — the counties as a list, for the county filter and a county account's scope; empty for a warning on a
--     department (its figures span counties) or the whole city
--   department — 承办单位 the warning concerns
--   enterprise — the gas concession enterprise
--   indicator — the plan indicator (序号 名称)
--   topic — 事项分类
--   period — the month (YYYY-MM), year or assessment period, or 截至 <date> for a state at the cut-off
--   month — first day of the period's month, for the month filter; NULL for a state at the cut-off or the run
--   figure — the value that broke the rule (count, rate, score, days)
--   threshold — the rule's threshold that figure is compared with
--   unit — the figure's unit
--   message — the warning in one Chinese sentence
--   page — the app page with the rows behind it (nav key)
--   link — the query string that opens those rows on that page
--   first_seen — when a publish first had this warning
--   is_new — not in the warehouse this run replaced (新增)
CREATE TABLE alert AS
WITH rule AS (
    SELECT * FROM alert_rule WHERE enabled
), setting AS (
    SELECT key, value FROM hotline_setting
), cut AS (
    SELECT getvariable('as_of')::TIMESTAMP AS as_of, getvariable('run_at')::TIMESTAMP AS run_at,
           (SELECT workday_no FROM calendar WHERE date = getvariable('as_of')::DATE) AS as_of_workday
),
-- ---------------------------------------------------------------- 12345
due_soon AS (
    SELECT 'due_soon' AS kind, t.county, [t.county] AS counties, t.department, NULL AS enterprise, NULL AS indicator,
           NULL AS topic, '截至 ' || strftime(cut.as_of, '%Y-%m-%d') AS period, NULL::DATE AS month,
           count(*)::DOUBLE AS figure, r.threshold,
           printf('%s%s有 %d 件工单将在 %g 个工作日内到期（最长时限），仍未办结', coalesce(t.county || '·', ''), t.department, count(*), r.threshold) AS message,
           CASE WHEN t.county IS NOT NULL THEN 'county=' || t.county || '&' ELSE '' END || 'dept=' || t.department AS link
    FROM hotline_ticket t
    JOIN calendar d ON d.date = t.deadline_at::DATE
    CROSS JOIN cut
    JOIN rule r ON r.kind = 'due_soon'
    WHERE t.closed_at IS NULL AND NOT t.answered_directly AND t.department IS NOT NULL
      AND t.deadline_at >= cut.as_of AND d.workday_no - cut.as_of_workday <= r.threshold
    GROUP BY t.county, t.department, r.threshold, cut.as_of
), overdue_open AS (
    SELECT 'overdue_open', NULL, []::VARCHAR[], t.department,
           NULL, NULL, NULL, '截至 ' || strftime(cut.as_of, '%Y-%m-%d'), NULL::DATE,
           count(*)::DOUBLE, r.threshold,
           printf('%s有 %d 件工单已超最长办理时限仍未办结', t.department, count(*)),
           'dept=' || t.department || '&hl_tab=逾期未办结'
    FROM hotline_ticket t CROSS JOIN cut JOIN rule r ON r.kind = 'overdue_open'
    WHERE t.overdue_open AND t.department IS NOT NULL
    GROUP BY t.department, r.threshold, cut.as_of
    HAVING count(*) >= r.threshold
), dept_month AS (
    SELECT department, month, sum(overdue_open + late_closed) AS overdue
    FROM hotline_cube WHERE department IS NOT NULL GROUP BY ALL
), dept_run AS (
    -- months in a row with at least min_volume overdue tickets (gaps and islands over the month number)
    SELECT *, count(*) OVER (PARTITION BY department, island ORDER BY month) AS run
    FROM (
        SELECT d.*, year(month) * 12 + month(month) - row_number() OVER (PARTITION BY department ORDER BY month) AS island
        FROM dept_month d JOIN rule r ON r.kind = 'overdue_run'
        WHERE d.overdue >= coalesce(r.min_volume, 1)
    )
), overdue_run AS (
    SELECT 'overdue_run', NULL, []::VARCHAR[], d.department, NULL, NULL, NULL, strftime(d.month, '%Y-%m'), d.month,
           d.run::DOUBLE, r.threshold,
           printf('%s连续 %d 个月有逾期工单（%s 受理的工单中逾期 %d 件）', d.department, d.run, strftime(d.month, '%Y-%m'), d.overdue),
           'dept=' || d.department || '&from=' || strftime(d.month - to_months(d.run::INTEGER - 1), '%Y-%m') || '&to=' || strftime(d.month, '%Y-%m') || '&hl_tab=承办单位'
    FROM dept_run d JOIN rule r ON r.kind = 'overdue_run'
    WHERE d.run >= r.threshold
), unit_month AS (
    -- the 三率 of each county and each department in each month (附件3; 办结率 over the tickets due)
    SELECT 'county' AS unit_kind, county AS unit, month, [county] AS counties,
           sum(closed) AS closed, sum(closed) + sum(overdue_open) AS due, sum(closed_on_time) AS on_time,
           sum(satisfied) AS satisfied, sum(visited) AS visited
    FROM hotline_cube WHERE county IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'department', department, month, []::VARCHAR[],
           sum(closed), sum(closed) + sum(overdue_open), sum(closed_on_time), sum(satisfied), sum(visited)
    FROM hotline_cube WHERE department IS NOT NULL GROUP BY ALL
), rates AS (
    SELECT u.*, m.kind, m.metric, m.rate, m.base
    FROM unit_month u,
    LATERAL (VALUES ('close_rate_below', '办结率', 100.0 * u.closed / nullif(u.due, 0), u.due),
                    ('on_time_rate_below', '按期办结率', 100.0 * u.on_time / nullif(u.closed, 0), u.closed),
                    ('satisfaction_rate_below', '满意率', 100.0 * u.satisfied / nullif(u.visited, 0), u.visited)) m(kind, metric, rate, base)
), below AS (
    SELECT x.*, r.label, s.value AS target,
           year(x.month) * 12 + month(x.month) - row_number() OVER (PARTITION BY x.kind, x.unit_kind, x.unit ORDER BY x.month) AS island
    FROM rates x
    JOIN rule r ON r.kind = x.kind
    JOIN setting s ON s.key = r.target_setting
    WHERE x.base >= coalesce(r.min_volume, 1) AND round(x.rate, 1) < s.value  -- as shown: one decimal (95.0% meets 95)
), below_run AS (
    SELECT *, count(*) OVER (PARTITION BY kind, unit_kind, unit, island ORDER BY month) AS run FROM below
), rate_below AS (
    SELECT b.kind, CASE WHEN b.unit_kind = 'county' THEN b.unit END, b.counties, CASE WHEN b.unit_kind = 'department' THEN b.unit END,
           NULL, NULL, NULL, strftime(b.month, '%Y-%m'), b.month, round(b.rate, 1), b.target,
           printf('%s %s %s为 %.1f%%，低于目标 %g%%（%d 件中）', b.unit, strftime(b.month, '%Y-%m'), b.metric, b.rate, b.target, b.base),
           (CASE WHEN b.unit_kind = 'county' THEN 'county=' ELSE 'dept=' END) || b.unit || '&from=' || strftime(b.month, '%Y-%m') || '&to=' || strftime(b.month, '%Y-%m')
    FROM below_run b
), rate_run AS (
    SELECT 'rate_below_run', CASE WHEN b.unit_kind = 'county' THEN b.unit END, b.counties, CASE WHEN b.unit_kind = 'department' THEN b.unit END,
           NULL, NULL, NULL, strftime(b.month, '%Y-%m'), b.month, b.run::DOUBLE, r.threshold,
           printf('%s %s连续 %d 个月低于目标 %g%%（至 %s，当月 %.1f%%）', b.unit, b.metric, b.run, b.target, strftime(b.month, '%Y-%m'), b.rate),
           (CASE WHEN b.unit_kind = 'county' THEN 'county=' ELSE 'dept=' END) || b.unit || '&from=' || strftime(b.month - to_months(b.run::INTEGER - 1), '%Y-%m') || '&to=' || strftime(b.month, '%Y-%m')
    FROM below_run b JOIN rule r ON r.kind = 'rate_below_run'
    WHERE b.run >= r.threshold
), topic_month AS (
    SELECT county, topic, month, sum(volume) AS volume
    FROM hotline_cube WHERE county IS NOT NULL AND topic IS NOT NULL GROUP BY ALL
), topic_grid AS (
    -- every month of every county × 事项分类 series (a month without tickets counts 0), with the county's other
    -- 事项分类 that month
    SELECT s.county, s.topic, m.month, coalesce(t.volume, 0) AS volume,
           sum(coalesce(t.volume, 0)) OVER (PARTITION BY s.county, m.month) - coalesce(t.volume, 0) AS others
    FROM (SELECT DISTINCT county, topic FROM topic_month) s
    CROSS JOIN (SELECT DISTINCT month FROM hotline_cube) m
    LEFT JOIN topic_month t USING (county, topic, month)
), topic_history AS (
    SELECT g.*, avg(volume) OVER w AS mean_volume, avg(others) OVER w AS mean_others,
           var_samp(volume) OVER w AS spread, count(*) OVER w AS history
    FROM topic_grid g, rule r
    WHERE r.kind = 'surge'
    WINDOW w AS (PARTITION BY county, topic ORDER BY month ROWS BETWEEN CAST(r.span AS INTEGER) PRECEDING AND 1 PRECEDING)
), topic_forecast AS (
    -- the forecast: the series' mean, scaled by how the county's other 事项分类 stand this month against their mean
    -- (season and growth move them together; a surge of one problem does not); the bound: forecast + threshold
    -- standard deviations (the months' spread, at least the Poisson √forecast), times √(1 + 1/n) for the mean's error
    SELECT h.*, h.mean_volume * coalesce(h.others / nullif(h.mean_others, 0), 1) AS forecast,
           h.mean_volume * coalesce(h.others / nullif(h.mean_others, 0), 1)
             + r.threshold * sqrt(greatest(coalesce(h.spread, 0), h.mean_volume * coalesce(h.others / nullif(h.mean_others, 0), 1)))
               * sqrt(1 + 1 / h.history) AS upper
    FROM topic_history h JOIN rule r ON r.kind = 'surge'
), surge AS (
    SELECT 'surge', f.county, [f.county], NULL, NULL, NULL, f.topic, strftime(f.month, '%Y-%m'), f.month,
           f.volume::DOUBLE, round(f.upper, 1),
           printf('%s %s「%s」工单 %d 件，高于预测上限 %.1f 件（预测 %.1f 件）', f.county, strftime(f.month, '%Y-%m'), f.topic, f.volume, f.upper, f.forecast),
           'county=' || f.county || '&from=' || strftime(f.month, '%Y-%m') || '&to=' || strftime(f.month, '%Y-%m') || '&hl_tab=类型与渠道'
    FROM topic_forecast f JOIN rule r ON r.kind = 'surge'
    WHERE f.history >= 3 AND f.volume >= coalesce(r.min_volume, 1) AND f.volume > f.upper
), caller_runs AS (
    -- each ticket with the number of tickets its caller raised on the same 事项分类 in the window up to it
    SELECT caller_hash, topic, county, month, n FROM hotline_repeat_demand
), repeat_demand AS (
    -- callers are counted, never named: the hash stays in this query
    SELECT 'repeat_demand', c.county, [c.county], NULL, NULL, NULL, c.topic, strftime(c.month, '%Y-%m'), c.month,
           count(DISTINCT c.caller_hash)::DOUBLE, r.threshold,
           printf('%s %s「%s」有 %d 位来电人在 %g 天内就同一事项来电 %g 次以上', c.county, strftime(c.month, '%Y-%m'), c.topic,
                  count(DISTINCT c.caller_hash), r.span, r.threshold),
           'county=' || c.county || '&from=' || strftime(c.month, '%Y-%m') || '&to=' || strftime(c.month, '%Y-%m') || '&hl_tab=重复诉求'
    FROM caller_runs c JOIN rule r ON r.kind = 'repeat_demand'
    WHERE c.n >= r.threshold AND c.county IS NOT NULL
    GROUP BY c.county, c.topic, c.month, r.threshold, r.span
),
-- ---------------------------------------------------------------- plan indicators
indicator AS (
    SELECT CASE p.status WHEN '滞后' THEN 'indicator_lagging' ELSE 'indicator_unreported' END,
           nullif(p.county, '全市'), CASE WHEN p.county = '全市' THEN [] ELSE [p.county] END, NULL, NULL,
           p.seq || ' ' || p.name, NULL, p.period, date_trunc('month', p.period_end)::DATE,
           p.actual, p.expected,
           CASE p.status WHEN '滞后' THEN printf('%s %s「%s」实际 %s，低于按进度应达 %s', p.county, p.period, p.name,
                                                 coalesce(p.actual_text, p.actual::VARCHAR), coalesce(round(p.expected, 2)::VARCHAR, '—'))
                         ELSE printf('%s %s「%s」未报送', p.county, p.period, p.name) END,
           'plan_tab=监测进度（各县区实际值）&mon_period=' || p.period || CASE WHEN p.county = '全市' THEN '' ELSE '&county=' || p.county END
    FROM indicator_progress p
    WHERE p.status IN ('滞后', '未报送') AND p.plan_doc_no = plan_or_latest(NULL)
),
-- ---------------------------------------------------------------- gas concessions
concession AS (
    SELECT CASE WHEN c.veto THEN 'concession_veto' ELSE 'concession_failed' END,
           c.county, string_split(c.county, '、'), NULL, c.enterprise, NULL, NULL, c.period, date_trunc('month', c.period_end)::DATE,
           CASE WHEN c.veto THEN len(c.veto_nos) ELSE c.total_score END,
           CASE WHEN c.veto THEN NULL ELSE concession_setting_value('pass_mark') END,
           CASE WHEN c.veto THEN printf('%s（%s）%s %s触发一票否决第 %s 项：应依法终止协议、收回特许经营权', c.enterprise, c.county, c.period, c.assessment_type, array_to_string(c.veto_nos::VARCHAR[], '、'))
                ELSE printf('%s（%s）%s %s得分 %g，低于合格线 %g 分', c.enterprise, c.county, c.period, c.assessment_type, c.total_score, concession_setting_value('pass_mark')) END,
           'gas_period=' || c.period
    FROM concession_result c
    WHERE c.veto OR c.verdict = '不合格'
), rectify AS (
    SELECT CASE c.rectify_status WHEN '已逾期' THEN 'rectify_overdue' ELSE 'rectify_due_soon' END,
           c.county, string_split(c.county, '、'), NULL, c.enterprise, NULL, NULL, c.period, date_trunc('month', c.period_end)::DATE,
           abs(c.rectify_by - cut.run_at::DATE)::DOUBLE, concession_setting_value('rectify_warning_days'),
           CASE c.rectify_status WHEN '已逾期' THEN printf('%s（%s）%s 考核不合格，整改期限 %s 已过 %d 天', c.enterprise, c.county, c.period, strftime(c.rectify_by, '%Y-%m-%d'), cut.run_at::DATE - c.rectify_by)
                ELSE printf('%s（%s）%s 考核不合格，整改期限 %s，还剩 %d 天', c.enterprise, c.county, c.period, strftime(c.rectify_by, '%Y-%m-%d'), c.rectify_by - cut.run_at::DATE) END,
           'gas_period=' || c.period
    FROM concession_result c CROSS JOIN cut
    WHERE c.rectify_status IN ('已逾期', '即将到期')
), rejected AS (
    SELECT 'sheet_rejected', NULL, [], NULL, NULL, NULL, NULL, NULL, NULL::DATE,
           count(*)::DOUBLE, NULL,
           printf('评分表 %s 有 %d 处无法采用（%s），不计入结论', source_file, count(*), string_agg(DISTINCT reason, '；')),
           'gas_tab=得分排名'
    FROM concession_reject GROUP BY source_file
),
-- ---------------------------------------------------------------- data
stale AS (
    SELECT 'data_stale', NULL, [], NULL, NULL, NULL, NULL, NULL, NULL::DATE,
           f.age_days::DOUBLE, f.max_age_days,
           CASE WHEN f.latest_date IS NULL THEN printf('%s还没有数据', f.label)
                ELSE printf('%s最新数据为 %s，已 %d 天未更新（预期 %d 天内）', f.label, strftime(f.latest_date, '%Y-%m-%d'), f.age_days, f.max_age_days) END,
           ''
    FROM v_freshness f WHERE f.stale
), found AS (
    SELECT * FROM due_soon
    UNION ALL SELECT * FROM overdue_open UNION ALL SELECT * FROM overdue_run
    UNION ALL SELECT * FROM rate_below UNION ALL SELECT * FROM rate_run
    UNION ALL SELECT * FROM surge UNION ALL SELECT * FROM repeat_demand
    UNION ALL SELECT * FROM indicator UNION ALL SELECT * FROM concession UNION ALL SELECT * FROM rectify
    UNION ALL SELECT * FROM rejected UNION ALL SELECT * FROM stale
), keyed AS (
    SELECT f.*, md5(concat_ws('|', f.kind, f.county, f.department, f.enterprise, f.indicator, f.topic, f.period,
                               CASE WHEN f.kind = 'sheet_rejected' THEN f.message END)) AS alert_key
    FROM found f
)
SELECT k.alert_key, k.kind, r.label, r.severity,
       CASE r.severity WHEN '严重' THEN 1 WHEN '关注' THEN 2 ELSE 3 END AS severity_rank,
       k.county, coalesce(k.counties, []) AS counties, k.department, k.enterprise, k.indicator, k.topic, k.period, k.month,
       k.figure, k.threshold, r.unit, k.message, r.page, k.link,
       coalesce(s.first_seen, cut.run_at) AS first_seen, s.alert_key IS NULL AS is_new
FROM keyed k
JOIN rule r USING (kind)
CROSS JOIN cut
LEFT JOIN alert_seen s USING (alert_key)
ORDER BY severity_rank, k.month DESC NULLS FIRST, r.label, k.county, k.department;
