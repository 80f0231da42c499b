"""Issue 11, security: every way out goes through the project's export, a county account's picker, lockout and
session expiry, the scope every query declares, and the audit file's mode and detail."""

from __future__ import annotations

import datetime as dt
import re
import stat
import time
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import audit, auth, queries
from dashboard.auth import User
from tests.conftest import ROOT, serving
from tests.test_auth import COUNTY, DEPT, _run, add_user, app  # noqa: F401 (fixture)
from tests.test_hotline import hotline_app_db  # noqa: F401


def test_table_toolbar_cannot_download():
    """The dataframe toolbar's own CSV download skips the audit and the formula neutralisation: it is off."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


def test_county_account_picker_offers_its_county_only(app):  # noqa: F811
    at = _run("county", COUNTY, {"county": "麒麟区"})
    picker = next(s for s in at.selectbox if s.label == "县（市、区）")
    assert picker.options == ["宣威市"] and picker.value == "宣威市"
    assert any("宣威市" in m.value for m in at.markdown)


# ---------------------------------------------------------------- lockout and sessions
def _login(at: AppTest, user: str, password: str) -> AppTest:
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


@pytest.fixture
def accounts(app, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DASHBOARD_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("DASHBOARD_AUDIT", str(tmp_path / "audit.sqlite"))
    monkeypatch.setenv("DASHBOARD_LOGIN_MAX_FAILURES", "3")
    add_user("zhao", "right password", "--role", "市级领导")
    add_user("admin", "admin password", "--role", "管理员")  # the app stays in login mode when zhao goes


def test_repeated_failures_lock_the_account(accounts):
    at = _run("hotline")
    for _ in range(3):
        _login(at, "zhao", "wrong")
        assert "用户名或密码不正确" in at.error[0].value
    _login(at, "zhao", "right password")  # the right password, but locked
    assert "已暂时锁定" in at.error[0].value and not at.metric
    events = audit.recent()["event"].to_list()
    assert events[0] == "login_locked" and events.count("login_failed") == 3
    policy = auth.LoginPolicy.from_env()
    last_failure = dt.datetime.fromisoformat(audit.recent(1)["at"][0])  # the time the audit wrote, not the test's clock
    assert auth.locked_out("zhao", None, last_failure, policy)
    assert not auth.locked_out("zhao", None, last_failure + dt.timedelta(minutes=policy.lock_minutes + 1), policy)


def test_failures_from_one_client_lock_it_for_every_name(accounts):
    policy = auth.LoginPolicy(max_failures=3, lock_minutes=15, idle_minutes=30)
    for name in ("a", "b", "c", "d", "e", "f"):  # a password spray: one failure per name
        audit.record(name, "login_failed", client="10.1.2.3")
    now = dt.datetime.fromisoformat(audit.recent(1)["at"][0])  # the time of the last failure, as audited
    assert auth.locked_out("zhao", "10.1.2.3", now, policy) and not auth.locked_out("zhao", "10.9.9.9", now, policy)


def test_idle_session_expires(accounts):
    at = _login(_run("hotline"), "zhao", "right password")
    assert at.metric
    at.session_state["last_seen"] = time.time() - 31 * 60
    at.run()
    assert not at.metric and any("未操作，已自动退出" in i.value for i in at.info)
    assert audit.recent()["event"][0] == "session_expired"


@pytest.mark.parametrize("change", ["remove", "reset"])
def test_a_user_changed_by_the_cli_loses_open_sessions(accounts, change):
    import io
    import sys

    from dashboard.users import main

    at = _login(_run("hotline"), "zhao", "right password")
    assert at.metric
    sys.stdin, old = io.StringIO("another password\n"), sys.stdin
    try:
        assert main([change, "zhao", *(["--password-stdin"] if change == "reset" else [])]) == 0
    finally:
        sys.stdin = old
    at.run()
    assert not at.metric and any("已被管理员修改或删除" in i.value for i in at.info)


# ---------------------------------------------------------------- every query declares its scope
SQL_FILES = sorted((ROOT / "dashboard" / "queries").glob("*.sql"))


@pytest.mark.parametrize("path", SQL_FILES, ids=[p.stem for p in SQL_FILES])
def test_every_query_declares_a_scope_it_can_enforce(path):
    kinds = queries.declared_scope(path.stem)  # raises on a file without a valid '-- scope:' line
    text = path.read_text(encoding="utf-8")
    if "county" in kinds:
        assert re.search(r"\$count(y|ies)\b", text), f"{path.name} declares county rows but takes no county parameter"
    if "department" in kinds:
        assert re.search(r"\$department(s)?\b", text), f"{path.name} declares department rows but takes no department parameter"


def test_a_query_without_a_declaration_is_refused(tmp_path, monkeypatch):
    (tmp_path / "undeclared.sql").write_text("SELECT 1", encoding="utf-8")
    monkeypatch.setattr(queries, "SQL_DIR", tmp_path)
    queries.sql.cache_clear()
    queries.declared_scope.cache_clear()
    try:
        with pytest.raises(ValueError, match="declares no valid scope"):
            queries.declared_scope("undeclared")
    finally:
        queries.sql.cache_clear()
        queries.declared_scope.cache_clear()


def test_roles_run_only_their_kind_of_query(app):  # noqa: F811
    import streamlit as st

    leader = User("l", "l", "市级领导")
    assert auth.may_run(frozenset({"county"}), leader) and not auth.may_run(frozenset({"admin"}), leader)
    st.session_state["user"] = COUNTY
    try:
        with pytest.raises(auth.ScopeDenied):
            queries.hotline_dept_score(2024)  # computed over every county's tickets
        assert not queries.allowed("rejects") and queries.allowed("hotline_kpis")
        st.session_state["user"] = DEPT
        with pytest.raises(auth.ScopeDenied):
            queries.concession_results("2024")
        assert not queries.allowed("indicator_progress") and queries.allowed("hotline_dept_score")
        assert set(queries.hotline_dept_score(2024)["department"]) == {"市乙局"}
    finally:
        st.session_state.pop("user", None)


def test_county_account_sees_no_city_wide_department_scores(app):  # noqa: F811
    at = _run("hotline", COUNTY, {"hl_tab": "承办单位"})
    dept = next(df.value for df in at.dataframe if "承办单位" in df.value.columns)
    assert "考核得分(分)" not in dept.columns
    assert any("县级账号不显示" in c.value for c in at.caption)
    at = _run("hotline", User("l", "l", "市级领导"), {"hl_tab": "承办单位"})
    assert any("考核得分(分)" in df.value.columns for df in at.dataframe)


def test_department_account_overview_has_no_county_domains(tmp_path, monkeypatch):
    from tests.test_concession import HAND_MADE, build, write_wide

    db = build(tmp_path, write_wide(tmp_path / "src" / "s.csv", HAND_MADE))
    with serving(db, monkeypatch):
        heads = [h.value for h in _run("overview", User("l", "l", "市级领导")).subheader]
        assert any("燃气特许经营" in h for h in heads)
        heads = [h.value for h in _run("overview", DEPT).subheader]
        assert not any("燃气特许经营" in h or "规划指标监测" in h for h in heads)


# ---------------------------------------------------------------- the audit
def test_audit_file_is_private_and_records_page_filters(app, tmp_path, monkeypatch):  # noqa: F811
    import streamlit as st

    from dashboard.export import log_download
    from dashboard.filters import Scope

    monkeypatch.setenv("DASHBOARD_AUDIT", str(tmp_path / "a" / "audit.sqlite"))
    st.session_state.update(
        user=COUNTY,
        scope=Scope(dt.date(2024, 1, 1), dt.date(2024, 6, 1), ("宣威市",)),
        hl_categories=["投诉", "举报"],
        hl_channels=["电话"],
        chr_keyword="招商",
    )
    try:
        log_download("x.csv", 3)
    finally:
        for k in ("user", "scope", "hl_categories", "hl_channels", "chr_keyword"):
            st.session_state.pop(k, None)
    assert stat.S_IMODE((tmp_path / "a" / "audit.sqlite").stat().st_mode) == 0o600
    detail = audit.recent(1)["detail"][0]
    assert "诉求类型=投诉、举报" in detail and "受理渠道=电话" in detail and "关键词=招商" in detail
