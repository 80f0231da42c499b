"""Single sign-on (issue 18): the identity map an administrator edits, and the gate in SSO mode as AppTest sees
it (st.user seeded). The real login through a provider is tests/browser/test_sso.py."""

from __future__ import annotations

import time

import pytest

from dashboard import audit, auth
from dashboard.auth import User
from tests.test_auth import _run, app  # noqa: F401 (fixture)
from tests.test_hotline import hotline_app_db  # noqa: F401

MAP = """match,claim,value,role,county,department,name
email,,XW.Leader@qujing.gov.cn,县级,宣威市,,宣威市领导
sub,,0f1e2d3c,管理员,,,系统管理员
claim,groups,qj-minzheng,部门,,市乙局,
claim,org_code,530381,县级,宣威市,,
"""


@pytest.fixture
def identity_map(tmp_path, monkeypatch):
    path = tmp_path / "identity_map.csv"
    path.write_text(MAP, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_IDENTITY_MAP", str(path))
    return path


def test_identities_map_by_email_subject_or_claim(identity_map):
    # e-mail compared without case; the first matching rule wins
    assert auth.map_identity({"sub": "x1", "email": "xw.leader@QUJING.gov.cn"}) == User(
        "xw.leader@qujing.gov.cn", "宣威市领导", "县级", "宣威市", None
    )
    assert auth.map_identity({"sub": "0f1e2d3c"}).role == "管理员"
    # a claim that is a list (groups) matches when it holds the value; a plain claim when equal
    assert auth.map_identity({"sub": "x2", "email": "a@b.cn", "groups": ["other", "qj-minzheng"]}) == User(
        "a@b.cn", "a@b.cn", "部门", None, "市乙局"
    )
    assert auth.map_identity({"sub": "x3", "org_code": "530381"}).county == "宣威市"
    assert auth.map_identity({"sub": "x4", "email": "nobody@example.com", "groups": ["qj"]}) is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("phone,,139,县级,宣威市,,", "row 2, column match"),
        ("claim,,qj,部门,,市乙局,", "row 2, column claim"),
        ("email,,a@b.cn,县长,,,", "row 2, column role"),
        ("email,,a@b.cn,县级,,,", "row 2, column county"),
        ("email,,,管理员,,,", "row 2, column value"),
    ],
)
def test_a_bad_identity_map_row_is_named(tmp_path, row, message):
    path = tmp_path / "m.csv"
    path.write_text("match,claim,value,role,county,department,name\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        auth.load_identity_map(path)


@pytest.fixture
def sso(app, identity_map, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("DASHBOARD_LOGIN", "sso")
    monkeypatch.setenv("DASHBOARD_AUDIT", str(tmp_path / "audit.sqlite"))


def _as(identity: dict | None, page: str = "hotline", params: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(f"from dashboard.views.{page} import render\nrender()\n", default_timeout=60)
    at.user = {"is_logged_in": False} if identity is None else {"is_logged_in": True, **identity}
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def test_logged_out_sees_only_the_login_button(sso, monkeypatch):
    import streamlit as st

    monkeypatch.setattr(type(st.secrets), "__contains__", lambda self, key: key == "auth")  # [auth] configured
    at = _as(None)
    assert not at.exception and not at.metric and not at.dataframe
    assert [b.label for b in at.button] == ["使用统一身份认证登录"]


def test_mapped_county_user_is_confined(sso):
    at = _as({"sub": "s1", "email": "xw.leader@qujing.gov.cn"}, params={"county": "麒麟区"})
    assert not at.exception
    m = {x.label: x.value for x in at.metric}
    assert m["工单量"] == "2 件"  # 宣威市's T3 and T4, although the link asked for 麒麟区
    assert at.multiselect(key="g_counties").options == ["宣威市"]
    events = audit.recent()
    assert events["event"][0] == "login" and "统一身份认证" in events["detail"][0]


def test_unmapped_identity_sees_whom_to_ask(sso):
    at = _as({"sub": "s2", "email": "stranger@example.com"})
    assert not at.metric and not at.dataframe
    assert "stranger@example.com" in at.error[0].value and "联系" in at.error[0].value
    assert audit.recent()["event"][0] == "login_refused"


def test_a_mapped_county_that_does_not_exist_lets_nobody_in(sso, identity_map):
    identity_map.write_text("match,claim,value,role,county,department,name\nemail,,a@b.cn,县级,宣威,,\n", encoding="utf-8")
    at = _as({"sub": "s3", "email": "a@b.cn"})
    assert not at.metric and "“宣威”不是本系统的县（市、区）" in at.error[0].value


def test_sso_session_expires_when_idle(sso):
    identity = "xw.leader@qujing.gov.cn"
    audit.sso_touch(identity, time.time() - 31 * 60)  # last request 31 minutes ago, in another browser tab
    at = _as({"sub": "s1", "email": identity})
    assert not at.metric
    assert audit.recent()["event"][0] == "session_expired" and audit.sso_last_seen(identity) is None


def test_sso_without_its_configuration_says_so(sso):
    at = _as(None)
    assert not at.button and "没有 [auth] 配置" in at.error[0].value


def test_login_mode_is_one_setting(monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOGIN", "ldap")
    with pytest.raises(ValueError, match="DASHBOARD_LOGIN='ldap'"):
        auth.login_mode()
    monkeypatch.setenv("DASHBOARD_LOGIN", "sso")
    assert auth.login_required()  # no users file needed
