"""Users, roles and scope: bcrypt hashes outside git, the login gate, county and department accounts that
no filter, link or download can widen, and the audit trail."""

from __future__ import annotations

import io
import json
import sys

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import audit, auth
from dashboard.auth import User
from tests.conftest import serving
from tests.test_hotline import hotline_app_db  # noqa: F401 - a warehouse with the gazette and 7 hand-made tickets

COUNTY = User("xw", "宣威用户", "县级", county="宣威市")
DEPT = User("yi", "乙局用户", "部门", department="市乙局")


def add_user(username: str, password: str, *extra: str) -> None:
    from dashboard.users import main

    stdin = sys.stdin
    sys.stdin = io.StringIO(password + "\n")
    try:
        assert main(["add", username, *extra, "--password-stdin"]) == 0
    finally:
        sys.stdin = stdin


def test_users_cli_stores_bcrypt_hashes(tmp_path, monkeypatch, capsys, warehouse):
    monkeypatch.setenv("DASHBOARD_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("DASHBOARD_DB", str(warehouse))
    add_user("zhang", "correct horse", "--role", "县级", "--county", "宣威市", "--name", "张三")
    stored = json.loads((tmp_path / "users.json").read_text(encoding="utf-8"))["users"]["zhang"]
    assert stored["password_hash"].startswith("$2b$12$") and "correct horse" not in (tmp_path / "users.json").read_text()
    assert auth.authenticate("zhang", "correct horse") == User("zhang", "张三", "县级", "宣威市", None)
    assert auth.authenticate("zhang", "wrong") is None and auth.authenticate("nobody", "correct horse") is None
    from dashboard.users import main

    sys.stdin, old = io.StringIO("new password 2\n"), sys.stdin
    try:
        assert main(["reset", "zhang", "--password-stdin"]) == 0
    finally:
        sys.stdin = old
    assert auth.authenticate("zhang", "correct horse") is None and auth.authenticate("zhang", "new password 2") is not None
    with pytest.raises(SystemExit, match="县级 users need --county"):
        main(["add", "li", "--role", "县级", "--password-stdin"])


def test_users_cli_refuses_a_scope_the_warehouse_does_not_have(tmp_path, monkeypatch, warehouse):
    """An account's county or department is compared with the data by its official name: 火星县 is no county,
    宣威 is an alias (the data says 宣威市), 市火星局 is in no registry; 市交通运输局 is in 附件1 of the gazette."""
    from dashboard.users import main

    monkeypatch.setenv("DASHBOARD_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("DASHBOARD_DB", str(warehouse))
    with pytest.raises(SystemExit, match="数据仓库中没有县（市、区）“火星县”"):
        main(["add", "a", "--role", "县级", "--county", "火星县", "--password-stdin"])
    with pytest.raises(SystemExit, match="数据仓库中没有县（市、区）“宣威”；是否指：宣威市"):
        main(["add", "a", "--role", "县级", "--county", "宣威", "--password-stdin"])
    with pytest.raises(SystemExit, match="数据仓库中没有承办单位“市火星局”"):
        main(["add", "a", "--role", "部门", "--department", "市火星局", "--password-stdin"])
    add_user("jt", "password 123", "--role", "部门", "--department", "市交通运输局")
    assert auth.load_users()["jt"]["department"] == "市交通运输局"
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "none.duckdb"))
    with pytest.raises(SystemExit, match="没有数据仓库.*请先运行 `python -m etl run`"):
        main(["add", "b", "--role", "县级", "--county", "宣威市", "--password-stdin"])
    assert set(auth.load_users()) == {"jt"}


def test_restrict_narrows_every_county_and_department_parameter():
    assert auth.restrict({"counties": []}, COUNTY) == {"counties": ["宣威市"]}
    assert auth.restrict({"counties": ["宣威市", "全市"]}, COUNTY) == {"counties": ["宣威市"]}
    assert auth.restrict({"counties": ["麒麟区"]}, COUNTY)["counties"] != ["麒麟区"]
    assert auth.restrict({"county": "麒麟区"}, COUNTY)["county"] != "麒麟区"
    assert auth.restrict({"departments": [], "counties": []}, DEPT) == {"departments": ["市乙局"], "counties": []}
    assert auth.restrict({"counties": ["麒麟区"]}, User("a", "a", "市级领导")) == {"counties": ["麒麟区"]}


@pytest.fixture
def app(hotline_app_db, monkeypatch):  # noqa: F811
    with serving(hotline_app_db, monkeypatch):
        yield


def _run(name: str, user: User | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_string(f"from dashboard.views.{name} import render\nrender()\n", default_timeout=60)
    if user is not None:
        at.session_state["user"] = user
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_login_required_once_users_exist(app, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_USERS", str(tmp_path / "users.json"))
    add_user("admin", "admin password", "--role", "管理员")
    at = _run("hotline")
    assert not at.metric and at.text_input(key="login_user")  # no data before login
    at.text_input(key="login_user").input("admin")
    at.text_input(key="login_password").input("not it")
    at.button[0].click().run()
    assert "用户名或密码不正确" in at.error[0].value and not at.metric
    at.text_input(key="login_password").input("admin password")
    at.button[0].click().run()
    assert {m.label: m.value for m in at.metric}["工单量"] == "7 件"
    events = audit.recent().filter(audit.pl.col("username") == "admin")["event"].to_list()
    assert events[:2] == ["login", "login_failed"]


def test_open_demo_mode_says_so(app):
    at = _run("hotline")
    assert any("演示模式" in i.value for i in at.sidebar.info)


def test_county_account_sees_only_its_county(app):
    # the link asks for 麒麟区; the sidebar offers only 宣威市; every query is narrowed to 宣威市 (T3, T4)
    at = _run("hotline", COUNTY, {"county": "麒麟区"})
    m = {x.label: x.value for x in at.metric}
    assert m["工单量"] == "2 件" and m["办结率（目标 ≥100%）"] == "50.0%"
    assert at.multiselect(key="g_counties").options == ["宣威市"]
    at = _run("hotline", COUNTY, {"county": "麒麟区", "hl_tab": "区县"})
    county_table = next(df.value for df in at.dataframe if "区县" in df.value.columns and "工单量" in df.value.columns)
    assert list(county_table["区县"]) == ["宣威市"]  # the table, its map and its download hold one county
    at = _run("hotline", COUNTY, {"county": "麒麟区", "hl_tab": "逾期未办结"})
    overdue = next(df.value for df in at.dataframe if "工单编号" in df.value.columns)
    assert set(overdue["区县"]) <= {"宣威市"}
    import streamlit as st

    from dashboard import queries
    from dashboard.filters import HotlineFilter

    st.session_state["user"] = COUNTY
    try:
        import datetime as dt

        other = queries.hotline_kpis(HotlineFilter(dt.date(2024, 1, 1), dt.date(2024, 12, 1), ("麒麟区",)))
        assert other["volume"].sum() == 0
        assert queries.county_events("麒麟区", dt.date(2022, 8, 1), dt.date(2022, 8, 31)).is_empty()
    finally:
        st.session_state.pop("user", None)


def test_department_account_sees_only_its_tickets(app):
    at = _run("hotline", DEPT)
    m = {x.label: x.value for x in at.metric}
    assert m["工单量"] == "2 件" and m["按期办结率（目标 ≥95%）"] == "100.0%"  # T6 and T7 of 市乙局


def test_downloads_are_audited(app):
    import streamlit as st

    from dashboard.export import log_download
    from dashboard.filters import Scope

    st.session_state["user"] = COUNTY
    st.session_state["scope"] = Scope(*(__import__("datetime").date(2024, m, 1) for m in (1, 7)), ("宣威市",))
    try:
        log_download("12345热线_区县_宣威市_2024-01_2024-07.csv", 1)
    finally:
        st.session_state.pop("user", None)
        st.session_state.pop("scope", None)
    last = audit.recent(1).row(0, named=True)
    assert (last["username"], last["event"], last["row_count"]) == ("xw", "download", 1)
    assert "宣威市 · 2024-01 至 2024-07" in last["detail"]


def test_county_account_on_the_concession_page(tmp_path, monkeypatch):
    from tests.test_concession import HAND_MADE, build, write_wide

    db = build(tmp_path, write_wide(tmp_path / "src" / "s.csv", HAND_MADE))
    with serving(db, monkeypatch):
        at = _run("concession", COUNTY)
        ranking = next(df.value for df in at.dataframe if "结论" in df.value.columns)
        assert list(ranking["企业"]) == ["乙公司"]  # the only enterprise serving 宣威市
        assert not any("丙公司" in e.value for e in at.error)  # 富源县's veto is not shown to 宣威市
