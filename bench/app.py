"""The app side of the benchmark, run in its own process so that its peak RSS is the app's:
python -m bench.app --db WAREHOUSE [--repeat N] prints one JSON object.

The queries are the ones the 总览 and 12345热线 pages actually issue: each page is rendered with AppTest for the
whole city over all months and for one county over 6 months (set through the URL parameters, as a leader's link
would), and every query call is recorded. Each distinct call is then timed exactly as the page runs it
(dashboard.queries SQL through dashboard.db, minus the Streamlit cache) and against its floor: one hand-written
DuckDB statement computing the same figures on the same connection (for the small plan, chronicle and gazette
tables, the plainest statement for the same rows). Then both pages are rendered, the data cache emptied before
each render (as after a filter change).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {"overview": "总览", "hotline": "12345热线"}
COUNTY = "宣威市"
TAB_KEYS = {"hotline": "hl_tab"}  # the pages' tab bars, bound to the URL

# The floors, written by hand: the same figures, one statement, no macro, no parameterised grouping.
KPI_MEASURES = """
    sum(volume), 100.0 * sum(direct) / sum(volume), 100.0 * sum(signed_on_time) / sum(sign_judged),
    sum(closed) + sum(overdue_open), sum(volume) - sum(closed) - sum(overdue_open),
    100.0 * sum(closed) / (sum(closed) + sum(overdue_open)), 100.0 * sum(closed_on_time) / sum(closed), sum(overdue_open), sum(late_closed),
    100.0 * sum(satisfied) / sum(visited), 100.0 * sum(visited) / sum(closed), sum(workdays_sum) / sum(workdays_n),
    100.0 * sum(repeat_callers) / sum(volume), bool_or(has_demo)"""
KPI_DIMS = {"all": None, "month": "month", "county": "county", "department": "department", "category": "category",
            "channel": "channel", "topic": "topic"}  # fmt: skip
SCOPE = "month BETWEEN $m_from AND $m_to {county}"
FLOORS = {  # each returns the same rows in the same order as the page's query
    **{
        f"hotline_kpis:{by}": f"SELECT {dim + ', ' if dim else ''}{KPI_MEASURES} FROM hotline_cube WHERE {SCOPE}"
        + (f" GROUP BY {dim} ORDER BY {dim}" if dim else "")
        for by, dim in KPI_DIMS.items()
    },
    "hotline_close_days": f"SELECT category, workdays, sum(tickets), any_value(standard_days), max(max_days) FROM hotline_close_days "
    f"WHERE {SCOPE} GROUP BY category, workdays ORDER BY category, workdays",
    "hotline_overdue": "SELECT ticket_id, received_at, category, topic, county, department, extensions, deadline_at, workdays_overdue, "
    f"content FROM hotline_overdue WHERE {SCOPE} ORDER BY workdays_overdue DESC, received_at, ticket_id LIMIT $row_limit",
    "hotline_options": "SELECT kind, value, n FROM hotline_choice UNION ALL SELECT 'county', county_name, -sort_order FROM county "
    "ORDER BY kind, n DESC, value",
    "scope_options": "SELECT 'month' AS kind, strftime(d, '%Y-%m') AS value, 0 AS n FROM (SELECT min(m) AS lo, max(m) AS hi FROM ("
    "SELECT strptime(value, '%Y-%m') AS m FROM hotline_choice WHERE kind = 'month' UNION ALL SELECT date_start FROM chronicle_event "
    "UNION ALL SELECT date_end FROM chronicle_event UNION ALL SELECT period_end FROM concession_result "
    "UNION ALL SELECT period_end FROM indicator_actual)), generate_series(date_trunc('month', lo), hi, INTERVAL 1 MONTH) AS g(d) "
    "UNION ALL SELECT 'county', county_name, sort_order FROM county "
    "UNION ALL SELECT 'department', value, n FROM hotline_choice WHERE kind = 'department' ORDER BY kind, n, value",
    "alerts": "SELECT * FROM alert WHERE (month IS NULL OR month BETWEEN $m_from AND $m_to) {alert_county} "
    "ORDER BY severity_rank, is_new DESC, month DESC NULLS FIRST, label, county, department",
    "hotline_ranking_periods": "SELECT DISTINCT period_kind, period, month FROM hotline_ranking ORDER BY period_kind, period DESC",
    "hotline_ranking": "SELECT rank, unit, value, rank_change, board, due, prev_rank, ranked FROM hotline_ranking WHERE "
    "period_kind = $period_kind AND period = $period AND unit_kind = $unit_kind AND measure = $measure {rank_county} ORDER BY rank, unit",
    "hotline_forecast": "SELECT strftime(month, '%Y-%m'), forecast, lo80, hi80, lo95, hi95, method, history_months FROM hotline_forecast "
    "WHERE county IS NOT DISTINCT FROM $county ORDER BY month",
    "hot_problem_months": "SELECT DISTINCT strftime(month, '%Y-%m') AS m FROM hot_problem ORDER BY m DESC",
    "hot_problems": "SELECT rank, term, tickets, share, prev3_mean, prev3_share, rising FROM hot_problem WHERE month = $month "
    "AND county IS NOT DISTINCT FROM $county ORDER BY rank, term",
    # the small tables: the same rows, the plainest statement
    "warehouse_info": "SELECT key, value FROM warehouse_info",
    "county_aliases": "SELECT alias, county_name FROM county_alias JOIN county USING (county_key) WHERE NOT is_city_total",
    "hotline_settings": "SELECT key, value FROM hotline_setting",
    "hotline_rules": "SELECT category, standard_days, max_days, extension_days, max_extensions FROM hotline_rule "
    "ORDER BY standard_days NULLS LAST, category",
    "hotline_dept_score": "SELECT * FROM hotline_dept_score WHERE year = $year",
    "hotline_lines": "SELECT * FROM hotline_line WHERE issue = (SELECT max(issue) FROM hotline_line) ORDER BY merge_type DESC, group_seq",
    "indicator_periods": "SELECT period, period_type, period_end, count(actual) FROM indicator_progress GROUP BY ALL ORDER BY period_end DESC",
    "indicator_progress": "SELECT * FROM indicator_progress WHERE period = $period {county} ORDER BY seq, sort_order",
    "concession_periods": "SELECT period, quarter IS NULL, count(*) FROM concession_result GROUP BY ALL ORDER BY period DESC",
    "concession_results": "SELECT * FROM concession_result WHERE period = $period {enterprise} ORDER BY veto DESC, total_score DESC",
    "chronicle_span": "SELECT min(date_start), max(date_end), count(*) FROM chronicle_event",
    "chronicle_events": "SELECT * FROM v_chronicle_event WHERE date_start <= $end AND date_end >= $start ORDER BY date_start, event_id",
    "documents": "SELECT issue, doc_no, title, issued_on FROM gazette_document ORDER BY issue DESC, source_line",
    "personnel": "SELECT p.doc_no, issued_on, name, action, post FROM personnel_change p LEFT JOIN gazette_document USING (issue, doc_no) "
    "ORDER BY p.issue DESC, p.source_line",
    "overview_counts": "SELECT (SELECT count(*) FROM plan_indicator), (SELECT sum(amount_wan) FROM plan_investment WHERE year IS NULL), "
    "(SELECT count(*) FROM hotline_line), (SELECT count(*) FROM chronicle_event), "
    "(SELECT count(DISTINCT leader) FROM chronicle_event_leader), (SELECT count(*) FROM gazette_document), "
    "(SELECT count(*) FROM dq_finding)",
}
# The same KPIs counted over the ticket table: what every filter change cost before the page aggregates
# (kept for the before/after comparison in docs/PERFORMANCE.md).
TICKET_SCAN = """
    count(*), count(*) FILTER (WHERE answered_directly), count(*) FILTER (WHERE sign_on_time), count(sign_on_time),
    count(closed_at), count(*) FILTER (WHERE closed_on_time), count(*) FILTER (WHERE overdue_open),
    count(*) FILTER (WHERE closed_at IS NOT NULL AND NOT closed_on_time),
    count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意')), count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意', '不满意')),
    avg(workdays_to_close) FILTER (WHERE NOT answered_directly), count(*) FILTER (WHERE repeat_caller)"""


def _time(fn, repeat: int) -> list[float]:
    fn()  # warm: the first run reads the blocks from disk
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _stats(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"median_ms": round(statistics.median(ms), 1), "p95_ms": round(ms[max(0, round(len(ms) * 0.95) - 1)], 1)}


def scopes() -> dict[str, dict[str, str]]:
    """The two filter states measured, as the URL query parameters a leader's link would carry."""
    from dashboard import db

    months = db.query("SELECT DISTINCT strftime(month, '%Y-%m') AS m FROM hotline_cube ORDER BY 1")["m"].to_list()
    return {
        "全市 全部月份": {"from": months[0], "to": months[-1]},
        f"{COUNTY} 6 个月": {"county": COUNTY, "from": months[-6], "to": months[-1]},
    }


def render(page: str, params: dict[str, str]):
    """One AppTest run of a page with the given URL parameters; returns (seconds, AppTest)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(f"from dashboard.views.{page} import render\nrender()\n", default_timeout=600)
    for k, v in params.items():
        at.query_params[k] = v
    t = time.perf_counter()
    at.run()
    secs = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    return secs, at


def record_queries(page: str, params: dict[str, str]) -> list[tuple[str, tuple]]:
    """Every query a render of the page issues: (SQL file name, frozen parameters), in order."""
    import streamlit as st

    from dashboard import queries

    seen: list[tuple[str, tuple]] = []
    original = queries._cached

    def recording(name, version_key, frozen):
        seen.append((name, frozen))
        return original(name, version_key, frozen)

    queries._cached = recording
    try:
        st.cache_data.clear()
        _, at = render(page, params)
        # a page draws only its open tab (dashboard.shell.tabs): each tab is opened in turn, as a leader would
        for label in [t.label for t in at.tabs][1:] if page in TAB_KEYS else []:
            render(page, {**params, TAB_KEYS[page]: label})
    finally:
        queries._cached = original
    return seen


def floor_sql(name: str, params: dict) -> str | None:
    key = f"{name}:{params['by']}" if "by" in params else name
    if key not in FLOORS:
        return None
    assert not any(params.get(k) for k in ("departments", "categories", "channels")), "floors are written for county and month filters"
    counties = ", ".join(repr(c) for c in params.get("counties") or [])
    alert_county = f"AND list_has_any(counties, [{counties}])" if counties else ""
    rank_county = f"AND (unit_kind <> 'county' OR unit IN ({counties}))" if counties else ""
    return FLOORS[key].format(
        county=_county_clause(params),
        enterprise=_county_clause(params, enterprises=True),
        alert_county=alert_county,
        rank_county=rank_county,
    )


def _county_clause(params: dict, enterprises: bool = False) -> str:
    counties = params.get("counties") or []
    if not counties:
        return ""
    listed = ", ".join(repr(c) for c in counties)
    if enterprises:  # gas enterprises serving the counties
        return f"AND enterprise IN (SELECT enterprise FROM concession_enterprise_county WHERE county IN ({listed}))"
    return f"AND county IN ({listed})"


def measure_queries(repeat: int) -> dict:
    """Every distinct query the two pages issue in each scope, timed as the pages run it and against its floor."""
    from dashboard import db
    from dashboard.queries import sql

    out = {}
    for label, url in scopes().items():
        calls: dict[tuple[str, tuple], list[str]] = {}
        for page in PAGES:
            for call in record_queries(page, url):
                calls.setdefault(call, [])
                if PAGES[page] not in calls[call]:
                    calls[call].append(PAGES[page])
        for (name, frozen), pages in calls.items():
            params = {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}
            entry = {"pages": pages, **_stats(_time(lambda n=name, p=params: db.query(sql(n), p or None), repeat))}
            floor = floor_sql(name, params)
            if floor:
                fparams = {k: v for k, v in params.items() if f"${k}" in floor}
                f = _stats(_time(lambda q=floor, p=fparams: db.query(q, p or None), repeat))
                entry |= {"floor_median_ms": f["median_ms"], "floor_p95_ms": f["p95_ms"]}
                entry["floor_ratio"] = round(entry["median_ms"] / max(f["median_ms"], 0.1), 2)
            if name == "hotline_kpis":
                dim = KPI_DIMS[params["by"]]
                scan = (
                    f"SELECT {dim + ', ' if dim else ''}{TICKET_SCAN} FROM hotline_ticket WHERE {SCOPE}"
                    + (f" GROUP BY {dim}" if dim else "")
                ).format(county=_county_clause(params))
                scan_params = {"m_from": params["m_from"], "m_to": params["m_to"]}
                entry["ticket_scan_median_ms"] = _stats(_time(lambda q=scan, p=scan_params: db.query(q, p), 5))["median_ms"]
            if "floor_ratio" not in entry:
                raise RuntimeError(f"no floor written for the query {name}: add one to FLOORS in bench/app.py")
            out[f"{label} · {_describe(name, params)}"] = entry
    return out


def _describe(name: str, params: dict) -> str:
    bits = [f"by {params['by']}"] if "by" in params else []
    if "m_from" in params:
        bits.append(f"{params['m_from']:%Y-%m}–{params['m_to']:%Y-%m}")
    return name + (f" ({', '.join(bits)})" if bits else "")


def measure_renders(times: int = 3) -> dict:
    """Median seconds per page and scope, the data cache emptied before each render (as after a filter change)."""
    import streamlit as st

    out = {}
    for page in PAGES:
        render(page, {})  # imports, and the connection opened
        for label, url in scopes().items():
            runs = []
            for _ in range(times):
                st.cache_data.clear()
                runs.append(render(page, url)[0])
            out[f"{page} · {label}"] = round(statistics.median(runs), 2)
    return out


def main(argv: list[str] | None = None) -> int:
    from etl.pipeline import peak_rss_mb

    ap = argparse.ArgumentParser(prog="python -m bench.app")
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)
    os.environ["DASHBOARD_DB"] = args.db
    logging.disable(logging.WARNING)  # Streamlit's bare-mode warnings
    result = {"queries": measure_queries(args.repeat), "render_s": measure_renders()}
    result["app_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
