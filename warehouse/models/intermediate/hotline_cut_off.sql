-- The figures of a ticket that move with the data cut-off (the variable as_of), as one struct whose fields are
-- hotline_ticket's columns of the same names. hotline_ticket computes them for every ticket; an incremental publish
-- computes them again, from hotline_ticket's own row, for a loaded ticket that nothing but the cut-off changes
-- (etl/incremental.py). deadline_at is 23:59:59 of the deadline's working day, whose calendar.workday_no is
-- deadline_workday_no; closed_at is the effective closing time (the receipt time for 当场答复).
--   overdue_open — not closed and the deadline before the cut-off
--   sign_on_time — signed within the sign window of dispatch; false if unsigned and the window has passed at the
--                  cut-off; NULL if not dispatched
--   workdays_overdue — for open tickets with a deadline, working days from the deadline to the cut-off (0 before it)
CREATE MACRO hotline_cut_off(answered_directly, closed_at, deadline_at, deadline_workday_no, dispatched_at, signed_at) AS {
    'overdue_open': NOT answered_directly AND closed_at IS NULL AND deadline_at < getvariable('as_of'),
    'sign_on_time': CASE
        WHEN dispatched_at IS NULL THEN NULL
        WHEN signed_at IS NOT NULL
            THEN signed_at <= dispatched_at + to_hours((SELECT value FROM hotline_setting WHERE key = 'sign_window_hours')::BIGINT)
        WHEN getvariable('as_of') > dispatched_at + to_hours((SELECT value FROM hotline_setting WHERE key = 'sign_window_hours')::BIGINT)
            THEN false
    END,
    'workdays_overdue': CASE
        WHEN closed_at IS NULL AND NOT answered_directly AND deadline_workday_no IS NOT NULL
            THEN greatest(0, (SELECT workday_no FROM calendar WHERE date = getvariable('as_of')::DATE) - deadline_workday_no)
    END
};
