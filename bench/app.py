"""The app side of the benchmark, run in its own process so that its peak RSS is the app's:
python -m bench.app --db WAREHOUSE [--repeat N] prints one JSON object.

Every query the 12345热线 and 总览 pages issue runs exactly as the pages run it (dashboard.queries SQL through
dashboard.db, minus the Streamlit cache), for the whole city and for one county over 6 months, and each is set
against the floor: one hand-written DuckDB statement computing the same figures on the same connection.
Then both pages are rendered with AppTest, the data cache emptied before each render (a filter change).
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

# (query file, its parameters) — every query of the 12345热线 and 总览 pages that reads hotline data
QUERIES = [("hotline_kpis", {"by": b}) for b in ("all", "month", "county", "department", "category", "channel", "topic")] + [
    ("hotline_close_days", {}),
    ("hotline_overdue", {}),
    ("hotline_options", None),
    ("scope_options", None),
]

# The floors, written by hand: the same figures, one statement, no macro, no parameterised grouping.
KPI_MEASURES = """
    sum(volume), 100.0 * sum(direct) / sum(volume), 100.0 * sum(signed_on_time) / sum(sign_judged),
    100.0 * sum(closed) / sum(volume), 100.0 * sum(closed_on_time) / sum(closed), sum(overdue_open), sum(late_closed),
    100.0 * sum(satisfied) / sum(visited), 100.0 * sum(visited) / sum(closed), sum(workdays_sum) / sum(workdays_n),
    100.0 * sum(repeat_callers) / sum(volume), bool_or(has_demo)"""
KPI_DIMS = {"all": None, "month": "month", "county": "county", "department": "department", "category": "category",
            "channel": "channel", "topic": "topic"}  # fmt: skip
SCOPE = "month BETWEEN $m_from AND $m_to {county}"
FLOORS = {
    **{
        f"hotline_kpis:{by}": f"SELECT {dim + ', ' if dim else ''}{KPI_MEASURES} FROM hotline_cube WHERE {SCOPE}"
        + (f" GROUP BY {dim}" if dim else "")
        for by, dim in KPI_DIMS.items()
    },
    "hotline_close_days": f"SELECT category, workdays, sum(tickets), any_value(standard_days), max(max_days) FROM hotline_close_days "
    f"WHERE {SCOPE} GROUP BY category, workdays",
    "hotline_overdue": "SELECT ticket_id, received_at, category, topic, county, department, extensions, deadline_at, workdays_overdue, "
    f"content FROM hotline_overdue WHERE {SCOPE} ORDER BY workdays_overdue DESC, received_at",
    "hotline_options": "SELECT 'month', strftime(month, '%Y-%m'), sum(volume) FROM hotline_cube GROUP BY month UNION ALL "
    "SELECT 'department', department, sum(volume) FROM hotline_cube GROUP BY department UNION ALL "
    "SELECT 'category', category, sum(volume) FROM hotline_cube GROUP BY category UNION ALL "
    "SELECT 'channel', channel, sum(volume) FROM hotline_cube GROUP BY channel",
    "scope_options": "SELECT 'month', strftime(d, '%Y-%m'), 0 FROM (SELECT min(m) AS lo, max(m) AS hi FROM ("
    "SELECT month AS m FROM hotline_cube UNION ALL SELECT date_start FROM chronicle_event UNION ALL SELECT date_end FROM chronicle_event "
    "UNION ALL SELECT period_end FROM concession_result UNION ALL SELECT period_end FROM indicator_actual)), "
    "generate_series(date_trunc('month', lo), hi, INTERVAL 1 MONTH) AS g(d) UNION ALL "
    "SELECT 'county', county_name, sort_order FROM county UNION ALL "
    "SELECT 'department', department, sum(volume) FROM hotline_cube GROUP BY department",
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


def measure_queries(repeat: int) -> dict:
    from dashboard import db
    from dashboard.queries import sql

    months = db.query("SELECT DISTINCT month FROM hotline_cube ORDER BY 1")["month"].to_list()
    county = "宣威市"
    scopes = {"全市 全部月份": ([], months[0], months[-1]), f"{county} 6 个月": ([county], months[-6], months[-1])}
    out = {}
    for label, (counties, m_from, m_to) in scopes.items():
        base = {"counties": counties, "departments": [], "m_from": m_from, "m_to": m_to, "categories": [], "channels": []}
        where = {"county": f"AND county = '{county}'" if counties else ""}
        for name, extra in QUERIES:
            params = None if extra is None else {**base, **extra}
            key = f"{name}:{extra['by']}" if extra and "by" in extra else name
            entry = _stats(_time(lambda name=name, params=params: db.query(sql(name), params), repeat))
            floor_sql = FLOORS[key].format(**where)
            fparams = {"m_from": m_from, "m_to": m_to} if "$m_from" in floor_sql else None
            floor = _stats(_time(lambda q=floor_sql, p=fparams: db.query(q, p), repeat))
            entry["floor_median_ms"] = floor["median_ms"]
            entry["floor_p95_ms"] = floor["p95_ms"]
            entry["floor_ratio"] = round(entry["median_ms"] / max(floor["median_ms"], 0.1), 2)
            if key.startswith("hotline_kpis:"):
                dim = KPI_DIMS[key.split(":")[1]]
                scan = f"SELECT {dim + ', ' if dim else ''}{TICKET_SCAN} FROM hotline_ticket WHERE {SCOPE}".format(**where) + (
                    f" GROUP BY {dim}" if dim else ""
                )
                entry["ticket_scan_median_ms"] = _stats(_time(lambda q=scan, p={"m_from": m_from, "m_to": m_to}: db.query(q, p), 5))[
                    "median_ms"
                ]
            out[f"{label} · {key}"] = entry
    return out


def measure_renders(times: int = 3) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    out = {}
    for page in ("overview", "hotline"):
        script = f"from dashboard.views.{page} import render\nrender()\n"
        AppTest.from_string(script, default_timeout=600).run()  # imports, and the connection opened
        runs = []
        for _ in range(times):
            st.cache_data.clear()  # as after a filter change: every query runs again
            at = AppTest.from_string(script, default_timeout=600)
            t = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - t)
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")
        out[page] = round(statistics.median(runs), 2)
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
