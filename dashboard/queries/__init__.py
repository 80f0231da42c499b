"""Every query the app issues. SQL lives in the .sql files beside this module; this module runs them,
caches results per published warehouse (a new warehouse file means new cache keys), and holds the
few polars reshapes the pages share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import auth, db, metrics
from warehouse import contract, runlog
from warehouse.paths import db_path, lake_path

SQL_DIR = Path(__file__).parent


@cache
def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@cache
def declared_scope(name: str) -> frozenset[str]:
    """The '-- scope: …' line that opens every query file: which of public / county / department / admin its
    rows are (dashboard.auth.may_run and restrict act on it). A file without one is refused."""
    m = re.match(r"--\s*scope:\s*([a-z, ]+)", sql(name))
    kinds = frozenset(k.strip() for k in m.group(1).split(",") if k.strip()) if m else frozenset()
    if not kinds or not kinds <= auth.SCOPE_KINDS:
        raise ValueError(f"dashboard/queries/{name}.sql declares no valid scope (first line '-- scope: county, department' …)")
    return kinds


def allowed(name: str) -> bool:
    """Whether the logged-in user may run this query: pages ask before drawing a section."""
    return auth.may_run(declared_scope(name), auth.current_user())


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(name: str, version_key: str, params: tuple) -> pl.DataFrame:
    return db.query(sql(name), _thawed(params))


def run(name: str, **params) -> pl.DataFrame:
    """Run dashboard/queries/<name>.sql with named parameters ($name in the SQL). The query's declared scope
    decides who may run it, and the logged-in user's county or department narrows its county/department
    parameters here, whatever the page asked for."""
    params = _permitted(name, params)
    return _cached(name, db.current_version().key, _frozen(params))


def _frozen(params: dict) -> tuple:
    """Parameters as a cache key (lists as tuples)."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _thawed(params: tuple) -> dict | None:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params} if params else None


@dataclass(frozen=True)
class Rows:
    """A list drawn cut short: its first rows, how many rows it has, and a function that fetches them all. Streamlit
    calls that function on another thread, outside the session, for a download built on click; so who may see what
    is settled when the Rows are made, and the rows it fetches are not cached."""

    shown: pl.DataFrame
    total: int
    fetch_all: Callable[[], pl.DataFrame]


def first_rows(name: str, row_limit: int, **params) -> Rows:
    """The first row_limit rows of a query that ends in `LIMIT $row_limit`, with its count and all its rows on demand."""
    shown = run(name, **params, row_limit=row_limit)
    everything = _permitted(name, {**params, "row_limit": None})
    total = shown.height if shown.height < row_limit else _count(name, db.current_version().key, _frozen(everything))
    return Rows(shown, total, lambda: db.query(sql(name), everything))


@st.cache_data(show_spinner=False, max_entries=64)
def _count(name: str, version_key: str, params: tuple) -> int:
    return db.query(f"SELECT count(*) AS n FROM (\n{sql(name)}\n)", _thawed(params))["n"][0]


def _permitted(name: str, params: dict) -> dict:
    """The parameters narrowed to the logged-in user's county or department; refused if the user may not run it."""
    kinds, user = declared_scope(name), auth.current_user()
    if not auth.may_run(kinds, user):
        raise auth.ScopeDenied(f"{user.describe() if user else '—'} may not run {name} (scope: {', '.join(sorted(kinds))})")
    return auth.restrict(params, user, kinds)


# ---------------------------------------------------------------- named queries used by pages
def plan_indicators(plan: str | None = None) -> pl.DataFrame:
    return run("plan_indicators", plan=plan)


def plan_investment(plan: str | None = None) -> pl.DataFrame:
    return run("plan_investment", plan=plan)


def plan_projects(plan: str | None = None) -> pl.DataFrame:
    return run("plan_projects", plan=plan)


def findings(domains: list[str] | None = None) -> pl.DataFrame:
    return run("dq_findings", domains=list(domains or []))


def chronicle_events(start: dt.date, end: dt.date, types=(), leaders=(), counties=(), keyword: str = "") -> pl.DataFrame:
    return run(
        "chronicle_events", start=start, end=end, types=list(types), leaders=list(leaders), counties=list(counties), keyword=keyword.strip()
    )


def chronicle_options() -> pl.DataFrame:
    return run("chronicle_options")


def chronicle_span() -> dict:
    return run("chronicle_span").row(0, named=True)


def overview_counts() -> dict:
    return run("overview_counts").row(0, named=True)


def freshness() -> pl.DataFrame:
    return run("freshness")


def warehouse_info() -> dict:
    return dict(run("warehouse_info").iter_rows())


def documents() -> pl.DataFrame:
    return run("documents")


def personnel() -> pl.DataFrame:
    return run("personnel")


def hotline_lines() -> pl.DataFrame:
    return run("hotline_lines")


def table_counts() -> pl.DataFrame:
    names = run("table_counts")["table_name"].to_list()
    return db.query(contract.row_counts_sql(names)) if names else pl.DataFrame()


def run_log() -> pl.DataFrame:
    """Every run, failed ones included (those never reach a warehouse, so the lake's log is read). Every page's
    status line needs it; the log is one file per run, so it is read again only when a run has added one."""
    folder = lake_path(db_path()) / runlog.RUN_LOG_DIR
    try:
        stamp = folder.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = 0
    log = _lake_run_log(str(folder.parent), stamp)
    if log is None:
        log = db.query("SELECT * FROM etl_run")
    return log.sort("started_at", descending=True)


# how a run ended, as the run log records it (etl.pipeline) and as the pages say it
RUN_STATUS_ZH = {
    "success": "成功",
    "failed": "失败",
    "killed": "中断",
    "running": "运行中",
    "skipped": "跳过",
    "rejected": "拒收",
    "unchanged": "未变",
}


def last_run(runs: pl.DataFrame) -> dict | None:
    """The newest run that did something: a run skipped because another held the lock says nothing about the data."""
    done = runs.filter((pl.col("source") == "publish") & (pl.col("status") != "skipped"))
    return done.row(0, named=True) if done.height else None


@st.cache_data(show_spinner=False, max_entries=4)
def _lake_run_log(lake_dir: str, stamp: int) -> pl.DataFrame | None:
    return runlog.read_run_log(Path(lake_dir))


def has_rows(table: str) -> bool:
    """Whether a warehouse table exists and holds a row (an older warehouse may lack a newer table)."""
    if not run("table_exists", table=table)["present"][0]:
        return False
    return db.query(f'SELECT EXISTS (SELECT 1 FROM "{table}") AS x')["x"][0]


# ---------------------------------------------------------------- reshapes shared by pages
def count_by(events: pl.DataFrame, column: str, name: str) -> pl.DataFrame:
    """Events per value of a list column (leaders, counties) or a plain column (event_type)."""
    df = events.select(column)
    if df.schema[column] == pl.List(pl.Utf8):
        df = df.explode(column)
    n = metrics.label("events")
    return df.drop_nulls().group_by(column).len(name=n).rename({column: name}).sort([n, name], descending=[True, False])


def scope_options() -> pl.DataFrame:
    return run("scope_options")


def county_aliases() -> pl.DataFrame:
    """alias -> county name, for links that use old or short names."""
    return run("county_aliases")


# ---------------------------------------------------------------- 12345 hotline
def hotline_filter_params(f) -> dict:
    """The SQL parameters of a HotlineFilter (dashboard.filters)."""
    return {
        "counties": list(f.counties),
        "departments": list(f.departments),
        "m_from": f.month_from,
        "m_to": f.month_to,
        "categories": list(f.categories),
        "channels": list(f.channels),
    }


def hotline_kpis(f, by: str = "all") -> pl.DataFrame:
    return run("hotline_kpis", by=by, **hotline_filter_params(f))


def hotline_options() -> pl.DataFrame:
    return run("hotline_options")


def hotline_close_days(f) -> pl.DataFrame:
    return run("hotline_close_days", **hotline_filter_params(f))


def hotline_overdue(f, row_limit: int) -> Rows:
    """The overdue tickets at the cut-off, longest overdue first."""
    return first_rows("hotline_overdue", row_limit, **hotline_filter_params(f))


def hotline_ticket(ticket_id: str, f) -> pl.DataFrame:
    p = hotline_filter_params(f)
    return run("hotline_ticket", ticket_id=ticket_id, counties=p["counties"], departments=p["departments"])


def hotline_dept_score(year: int) -> pl.DataFrame:
    return run("hotline_dept_score", year=year, departments=[])


def rejects() -> pl.DataFrame:
    return run("rejects")


def hotline_rules() -> pl.DataFrame:
    return run("hotline_rules")


def calendar_years() -> pl.DataFrame:
    return run("calendar_years")


def hotline_settings() -> dict:
    return dict(run("hotline_settings").iter_rows())


# ---------------------------------------------------------------- concessions and plan monitoring
def concession_rejects() -> pl.DataFrame:
    return run("concession_rejects")


def concession_results(period: str, types=(), counties=()) -> pl.DataFrame:
    return run("concession_results", period=period, types=list(types), counties=list(counties))


def concession_periods(counties=()) -> pl.DataFrame:
    return run("concession_periods", counties=list(counties))


def concession_item_scores(period: str, types=(), counties=()) -> pl.DataFrame:
    return run("concession_item_scores", period=period, types=list(types), counties=list(counties))


def concession_trend(enterprise: str, counties=()) -> pl.DataFrame:
    return run("concession_trend", enterprise=enterprise, counties=list(counties))


def concession_gap(year: int, counties=()) -> pl.DataFrame:
    return run("concession_gap", year=year, counties=list(counties))


def concession_rubric() -> pl.DataFrame:
    return run("concession_rubric")


def concession_veto_rules() -> pl.DataFrame:
    return run("concession_veto_rules")


def concession_settings() -> dict:
    """full_marks, pass_mark, rectify_months (reference/concession_settings.csv)."""
    return dict(run("concession_settings").iter_rows())


def plans() -> pl.DataFrame:
    return run("plans")


def indicator_periods(counties=(), plan: str | None = None) -> pl.DataFrame:
    return run("indicator_periods", counties=list(counties), plan=plan)


def indicator_progress(period: str, counties=(), plan: str | None = None) -> pl.DataFrame:
    return run("indicator_progress", period=period, counties=list(counties), plan=plan)


def indicator_trajectory(seq: int, county: str, plan: str | None = None) -> pl.DataFrame:
    return run("indicator_trajectory", seq=seq, county=county, plan=plan)


# ---------------------------------------------------------------- county profile
def county_events(county: str, start, end) -> pl.DataFrame:
    return run("county_events", county=county, start=start, end=end)


def county_concessions(county: str, year: int) -> pl.DataFrame:
    return run("county_concessions", county=county, year=year)


# ---------------------------------------------------------------- 预警
def _units(scope) -> dict:
    """The global filter's counties and departments as query parameters (run narrows them to the user's scope)."""
    return {"counties": list(scope.counties), "departments": list(scope.departments)}


def alerts(scope) -> pl.DataFrame:
    """The warnings in the global filter (and the user's scope)."""
    return run("alerts", **_units(scope), m_from=scope.month_from, m_to=scope.date_to)


def alert_rules() -> pl.DataFrame:
    return run("alert_rules")


def alert_tickets(kind: str, department: str, county: str | None, workdays: float, scope, row_limit: int) -> Rows:
    return first_rows("alert_tickets", row_limit, kind=kind, department=department, county=county, workdays=workdays, **_units(scope))


# ---------------------------------------------------------------- 红黑榜
def hotline_ranking(period_kind: str, period: str, unit_kind: str, measure: str, scope) -> pl.DataFrame:
    return run("hotline_ranking", period_kind=period_kind, period=period, unit_kind=unit_kind, measure=measure, **_units(scope))


def hotline_ranking_periods() -> pl.DataFrame:
    return run("hotline_ranking_periods")


def hotline_forecast(county: str | None) -> pl.DataFrame:
    return run("hotline_forecast", county=county)


# ---------------------------------------------------------------- 热点诉求
def hot_problems(month: dt.date, county: str | None) -> pl.DataFrame:
    return run("hot_problems", month=month, county=county)


def hot_problem_months() -> list[str]:
    return run("hot_problem_months")["month"].to_list()


def hot_problem_tickets(term: str, month: dt.date, county: str | None, scope, row_limit: int) -> Rows:
    return first_rows("hot_problem_tickets", row_limit, term=term, month=month, county=county, **_units(scope))
