"""Password sessions that survive a refresh (dashboard/sessions.py): a one-time hand-off becomes a signed,
HttpOnly cookie; the cookie names a server-side session that ends when idle, at logout, or when the user changes."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard import sessions


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_AUDIT", str(tmp_path / "audit.sqlite"))
    monkeypatch.delenv("DASHBOARD_SESSION_SECRET", raising=False)


def test_a_handoff_is_spent_once_and_expires(store):
    t = sessions.start("zhao", "stamp-1", now=1000.0)
    assert sessions.cookie_for(t, now=1010.0) is not None
    assert sessions.cookie_for(t, now=1011.0) is None  # spent
    late = sessions.start("zhao", "stamp-1", now=1000.0)
    assert sessions.cookie_for(late, now=1000.0 + sessions.HANDOFF_SECONDS + 1) is None


def test_a_session_lives_while_used_and_ends_when_idle(store):
    cookie = sessions.cookie_for(sessions.start("zhao", "stamp-1", now=0.0), now=1.0)
    # idle 30 minutes: used at 29 min, then 29 min later still alive; 31 minutes after that it is gone
    assert sessions.resume(cookie, 30, now=29 * 60) == ("zhao", "stamp-1", "")
    assert sessions.resume(cookie, 30, now=58 * 60) == ("zhao", "stamp-1", "")
    assert sessions.resume(cookie, 30, now=89 * 60) == ("zhao", None, "expired")
    assert sessions.resume(cookie, 30, now=89 * 60 + 1) == (None, None, "none")


def test_a_forged_or_ended_cookie_opens_nothing(store):
    cookie = sessions.cookie_for(sessions.start("zhao", "s", now=0.0), now=0.0)
    assert sessions.resume(cookie[:-2] + "xx", 30, now=1.0) == (None, None, "none")
    assert sessions.resume("", 30, now=1.0) == (None, None, "none")
    sessions.end(cookie)
    assert sessions.resume(cookie, 30, now=1.0) == (None, None, "none")
    other = sessions.cookie_for(sessions.start("li", "s", now=0.0), now=0.0)
    sessions.end_all("li")
    assert sessions.resume(other, 30, now=1.0)[2] == "none"


def test_the_secret_is_made_once_and_kept_private(store, tmp_path):
    sessions.cookie_for(sessions.start("zhao", "s"))
    secret = tmp_path / ".session_secret"
    assert secret.stat().st_mode & 0o777 == 0o600 and len(secret.read_text()) == 64


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/hotline?county=宣威市", "/hotline?county=宣威市"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_the_routes_only_send_the_browser_within_the_app(target, expected):
    assert sessions.safe_next(target) == expected


def test_the_routes_set_and_clear_an_httponly_cookie(store):
    client = TestClient(Starlette(routes=sessions.routes()), follow_redirects=False)
    t = sessions.start("zhao", "s")
    r = client.get(sessions.SESSION_ROUTE, params={"t": t, "next": "/hotline?county=宣威市&from=2024-01"})
    assert r.status_code == 303 and unquote(r.headers["location"]) == "/hotline?county=宣威市&from=2024-01"
    set_cookie = r.headers["set-cookie"]
    assert set_cookie.startswith(f"{sessions.COOKIE}=") and "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
    cookie = set_cookie.split(";")[0].split("=", 1)[1]
    assert sessions.resume(cookie, 30)[0] == "zhao"
    # the same token again: no cookie (a replayed hand-off opens nothing)
    assert "set-cookie" not in client.get(sessions.SESSION_ROUTE, params={"t": t, "next": "/"}).headers
    r = client.get(sessions.LOGOUT_ROUTE, params={"next": "/hotline"}, cookies={sessions.COOKIE: cookie})
    assert r.status_code == 303 and r.headers["location"] == "/hotline" and f'{sessions.COOKIE}=""' in r.headers["set-cookie"]
    assert sessions.resume(cookie, 30)[2] == "none"
