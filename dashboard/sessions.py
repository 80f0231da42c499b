"""Password-login sessions that survive a browser refresh: a signed, HttpOnly cookie naming a server-side session.

Streamlit's own session state ends with the page (F5 logs the user out), and a script cannot set a cookie. So the
app is served by dashboard/server.py (st.App), which adds two routes:

- after a successful login the page is sent to /session/start with a one-time hand-off token (valid for a minute);
  the route turns it into the session's cookie (HttpOnly, SameSite=Lax, signed with itsdangerous) and sends the
  browser back to the page and filters it was on;
- /session/end deletes the server-side session and the cookie.

Each request of the script reads the cookie (st.context.cookies), checks the signature, and finds the session in
the audit database; a session idle for longer than DASHBOARD_SESSION_IDLE_MINUTES ends there, and so does one whose
user the users CLI changed or removed. The secret is $DASHBOARD_SESSION_SECRET, else a file created once beside the
audit database (readable by its owner only)."""

from __future__ import annotations

import os
import secrets
import time
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeSerializer

from dashboard import audit

COOKIE = "qj_session"
HANDOFF_SECONDS = 60
SESSION_ROUTE, LOGOUT_ROUTE = "/session/start", "/session/end"  # not /auth/...: the routes of st.login
# set by dashboard/server.py: the routes exist (not under AppTest or a plain `streamlit run dashboard/app.py`)
ENABLED = False


def _secret() -> str:
    if os.environ.get("DASHBOARD_SESSION_SECRET"):
        return os.environ["DASHBOARD_SESSION_SECRET"]
    path = audit.audit_file().with_name(".session_secret")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it meanwhile
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(_secret(), salt=COOKIE)


def start(username: str, stamp: str | None, now: float | None = None) -> str:
    """A new session for a user who has just logged in; returns the one-time hand-off token for /session/start."""
    now = time.time() if now is None else now
    handoff = secrets.token_urlsafe(24)
    with audit.connect() as con:
        con.execute(
            "INSERT INTO web_session (id, username, stamp, last_seen, handoff, handoff_until) VALUES (?, ?, ?, ?, ?, ?)",
            (secrets.token_urlsafe(24), username, stamp, now, handoff, now + HANDOFF_SECONDS),
        )
    return handoff


def cookie_for(handoff: str, now: float | None = None) -> str | None:
    """The signed cookie value for a hand-off token, once: the token is spent; None when unknown or too old."""
    now = time.time() if now is None else now
    with audit.connect() as con:
        row = con.execute("SELECT id, handoff_until FROM web_session WHERE handoff = ?", (handoff,)).fetchone()
        if row is None:
            return None
        con.execute("UPDATE web_session SET handoff = NULL, handoff_until = NULL WHERE id = ?", (row[0],))
    return _signer().dumps(row[0]) if row[1] >= now else None


def _session_id(cookie: str | None) -> str | None:
    if not cookie:
        return None
    try:
        return _signer().loads(cookie)
    except BadSignature:
        return None


def resume(cookie: str | None, idle_minutes: int, now: float | None = None, touch: bool = True) -> tuple[str | None, str | None, str]:
    """(username, stamp, '') of the live session the cookie names, touched (unless touch is False: a look only);
    else (None, None, why): 'none' (no or a forged cookie, or a session ended), 'expired' (idle too long: the
    session is deleted)."""
    now = time.time() if now is None else now
    sid = _session_id(cookie)
    if sid is None:
        return None, None, "none"
    with audit.connect() as con:
        row = con.execute("SELECT username, stamp, last_seen FROM web_session WHERE id = ? AND handoff IS NULL", (sid,)).fetchone()
        if row is None:
            return None, None, "none"
        if now - row[2] > idle_minutes * 60:
            if touch:
                con.execute("DELETE FROM web_session WHERE id = ?", (sid,))
            return row[0], None, "expired"
        if touch:
            con.execute("UPDATE web_session SET last_seen = ? WHERE id = ?", (now, sid))
    return row[0], row[1], ""


def end(cookie: str | None) -> None:
    sid = _session_id(cookie)
    if sid is not None:
        with audit.connect() as con:
            con.execute("DELETE FROM web_session WHERE id = ?", (sid,))


def end_all(username: str) -> None:
    """Every session of a user (the users CLI changed or removed them)."""
    with audit.connect() as con:
        con.execute("DELETE FROM web_session WHERE username = ?", (username,))


def safe_next(target: str | None) -> str:
    """Where to send the browser after /session/…: a path of this app only (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


def handoff_script(handoff: str) -> str:
    """The page goes to /session/start with the token and comes back to where it was (path and filters)."""
    return (
        "<script>const back = location.pathname + location.search;"
        f"location.replace('{SESSION_ROUTE}?t={handoff}&next=' + encodeURIComponent(back));</script>"
    )


def logout_script() -> str:
    return f"<script>location.replace('{LOGOUT_ROUTE}?next=' + encodeURIComponent(location.pathname));</script>"


# ---------------------------------------------------------------- the routes (dashboard/server.py mounts them)
async def session_route(request):
    from starlette.responses import RedirectResponse

    value = cookie_for(request.query_params.get("t", ""))
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    if value:
        response.set_cookie(COOKIE, value, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
    return response


async def logout_route(request):
    from starlette.responses import RedirectResponse

    end(request.cookies.get(COOKIE))
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def routes() -> list:
    from starlette.routing import Route

    return [Route(SESSION_ROUTE, session_route), Route(LOGOUT_ROUTE, logout_route)]
