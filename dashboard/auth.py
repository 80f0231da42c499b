"""Users, roles and what each may see. Users live in a JSON file outside git (data/users.json or
$DASHBOARD_USERS) with bcrypt password hashes; `python -m dashboard.users` adds users and resets passwords.

Roles: 管理员 (everything, and 数据状态), 市级领导 (all data), 县级 (one county), 部门 (one department's
12345 tickets). The restriction is applied to the parameters of every query (dashboard.queries.run), so
no filter, link or download can widen it. With no users configured the app runs in an open demo mode.
With DASHBOARD_LOGIN=sso the identity comes from the city's OpenID Connect provider (st.login) instead, and
data/identity_map.csv (or $DASHBOARD_IDENTITY_MAP) maps it to a role and scope.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from warehouse.paths import DATA_DIR

ROLES = ("管理员", "市级领导", "县级", "部门")


@dataclass(frozen=True)
class LoginPolicy:
    """Lockout and session expiry; each number from its environment variable (docs/OPERATIONS.md)."""

    max_failures: int  # failed logins in the window that lock a user name or a client address
    lock_minutes: int  # the window, and how long a lock lasts
    idle_minutes: int  # a session with no request for this long ends

    @classmethod
    def from_env(cls) -> LoginPolicy:
        def number(name: str, default: int) -> int:
            return int(os.environ.get(name) or default)

        return cls(
            number("DASHBOARD_LOGIN_MAX_FAILURES", 5),
            number("DASHBOARD_LOGIN_LOCK_MINUTES", 15),
            number("DASHBOARD_SESSION_IDLE_MINUTES", 30),
        )


def locked_out(username: str, client: str | None, now: dt.datetime, policy: LoginPolicy) -> bool:
    """Too many failed logins in the window for this user name, or from this client address."""
    from dashboard import audit

    since = now - dt.timedelta(minutes=policy.lock_minutes)
    if audit.failures_since(since, username=username) >= policy.max_failures:
        return True
    return client is not None and audit.failures_since(since, client=client) >= policy.max_failures * 2


def record_stamp(username: str, path: Path | None = None) -> str | None:
    """A fingerprint of the user's stored record (role, scope, password hash): it changes when the users CLI
    changes the user, and is None once the user is removed, so open sessions end at their next request."""
    record = load_users(path).get(username)
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest() if record else None


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    county: str | None = None
    department: str | None = None

    def describe(self) -> str:
        scope = {"县级": self.county, "部门": self.department}.get(self.role)
        return f"{self.name}（{self.role}{'：' + scope if scope else ''}）"


def users_file() -> Path:
    return Path(os.environ.get("DASHBOARD_USERS") or DATA_DIR / "users.json")


def load_users(path: Path | None = None) -> dict[str, dict]:
    path = path or users_file()
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("users", {})


def save_users(users: dict[str, dict], path: Path | None = None) -> None:
    path = path or users_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"users": users}, ensure_ascii=False, indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=12)).decode("ascii")


def user_of(username: str, path: Path | None = None) -> User | None:
    """The user as the users file has it now (a resumed session); None once removed."""
    record = load_users(path).get(username)
    if not record:
        return None
    return User(username, record.get("name") or username, record["role"], record.get("county"), record.get("department"))


def authenticate(username: str, password: str, path: Path | None = None) -> User | None:
    record = load_users(path).get(username.strip())
    if not record or not password:
        # compare against a dummy hash anyway, so a wrong user name takes as long as a wrong password
        bcrypt.checkpw(b"x", b"$2b$12$C6UzMDM.H6dfI/f/IKcEe.5LpQ7uYEaNOs2H8Ap6u6FQJOnhCk9vO")
        return None
    if not bcrypt.checkpw(password.encode("utf-8"), record["password_hash"].encode("ascii")):
        return None
    return user_of(username.strip(), path)


# what a query's rows are (its '-- scope:' line): published or reference data, rows of a county, rows of a
# 承办单位, operations data
SCOPE_KINDS = frozenset({"public", "county", "department", "admin"})
# the kind of rows each restricted role is confined to
ROLE_KIND = {"县级": "county", "部门": "department"}


class ScopeDenied(PermissionError):
    """A page asked for a query its user's role may not run."""


def may_run(kinds: frozenset[str], user: User | None) -> bool:
    """管理员 (and the open demo mode) run everything; 市级领导 everything but operations data; a county or
    department account runs public queries and those whose rows are of its own kind."""
    if user is None or user.role == "管理员":
        return True
    if "admin" in kinds:
        return False
    if user.role == "市级领导":
        return True
    return "public" in kinds or ROLE_KIND[user.role] in kinds


def restrict(params: dict, user: User | None, kinds: frozenset[str] = SCOPE_KINDS) -> dict:
    """Query parameters narrowed to what the user may see. Lists of counties/departments are intersected
    with the user's own (an empty list, meaning 'all', becomes the user's one); a single county that is
    not the user's becomes one that matches nothing. Only the dimensions the query declares are narrowed."""
    if user is None or user.role in ("管理员", "市级领导") or ROLE_KIND[user.role] not in kinds:
        return params
    out = dict(params)
    own = {"县级": ("counties", "county", user.county), "部门": ("departments", "department", user.department)}[user.role]
    many, one, value = own
    if many in out:
        asked = list(out[many] or [])
        out[many] = [value] if not asked or value in asked else ["\x00none"]
    if one in out and out[one] != value:
        out[one] = "\x00none"
    return out


# ---------------------------------------------------------------- single sign-on (OIDC, st.login)
# How users log in: "password" (the users file, the default) or "sso" (the city's identity provider, configured in
# .streamlit/secrets.toml). Role, scope, audit and session expiry are the same on both paths.
LOGIN_MODES = ("password", "sso")
IDENTITY_MATCHES = ("email", "sub", "claim")


def login_mode() -> str:
    mode = (os.environ.get("DASHBOARD_LOGIN") or "password").strip().lower()
    if mode not in LOGIN_MODES:
        raise ValueError(f"DASHBOARD_LOGIN={mode!r}: expected one of {', '.join(LOGIN_MODES)}")
    return mode


def login_required() -> bool:
    """Whether pages need a login: always with single sign-on, and once the users file has a user."""
    return login_mode() == "sso" or users_configured()


def identity_map_file() -> Path:
    return Path(os.environ.get("DASHBOARD_IDENTITY_MAP") or DATA_DIR / "identity_map.csv")


def load_identity_map(path: Path | None = None) -> list[dict]:
    """The administrator's mapping from identities to roles: one rule a row, the first that matches wins.
    Columns: match (email | sub | claim), claim (the claim's name, for match=claim), value, role, county,
    department, name. A row that cannot be used raises ValueError naming the file, row and column."""
    import csv

    path = path or identity_map_file()
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rules = []
    for n, row in enumerate(rows, start=2):
        rule = {k: (v or "").strip() for k, v in row.items() if k}
        if problem := _rule_problem(rule):
            raise ValueError(f"{path.name}: row {n}, column {problem[0]}: {problem[1]}")
        rules.append(rule)
    return rules


def _rule_problem(rule: dict) -> tuple[str, str] | None:
    """(column, why) when an identity-map row cannot be used."""
    if rule.get("match") not in IDENTITY_MATCHES:
        return "match", f"expected one of {', '.join(IDENTITY_MATCHES)}, got {rule.get('match')!r}"
    if rule["match"] == "claim" and not rule.get("claim"):
        return "claim", "a claim rule needs the claim's name (e.g. groups)"
    if not rule.get("value"):
        return "value", "empty"
    if rule.get("role") not in ROLES:
        return "role", f"expected one of {', '.join(ROLES)}, got {rule.get('role')!r}"
    if rule["role"] == "县级" and not rule.get("county"):
        return "county", "a 县级 rule needs the county"
    if rule["role"] == "部门" and not rule.get("department"):
        return "department", "a 部门 rule needs the department"
    return None


def map_identity(claims: dict, rules: list[dict] | None = None) -> User | None:
    """The user an identity provider's claims map to, or None when no rule matches (the app then refuses)."""
    rules = load_identity_map() if rules is None else rules
    email = str(claims.get("email") or "").strip().lower()
    sub = str(claims.get("sub") or "")
    for rule in rules:
        if rule["match"] == "email":
            hit = bool(email) and email == rule["value"].lower()
        elif rule["match"] == "sub":
            hit = sub == rule["value"]
        else:
            got = claims.get(rule["claim"])
            hit = rule["value"] in [str(v) for v in got] if isinstance(got, list | tuple) else str(got) == rule["value"]
        if hit:
            return User(
                email or sub,
                rule.get("name") or str(claims.get("name") or email or sub),
                rule["role"],
                rule.get("county") or None,
                rule.get("department") or None,
            )
    return None


def client_address() -> str | None:
    """The browser's address as the server sees it; None on localhost (and outside a real session)."""
    import streamlit as st

    ip = st.context.ip_address
    return ip if isinstance(ip, str) else None


_SESSION = object()
_acting: ContextVar[object] = ContextVar("acting_as", default=_SESSION)


@contextmanager
def acting_as(user: User | None):
    """Run queries as this user outside the session's script thread: a download built when clicked (the 简报) runs
    in a server thread where session state cannot be read, so the page hands it the user it was drawn for."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


def current_user() -> User | None:
    """The logged-in user of this session (None in the open demo mode or before login), or the one acting_as set."""
    acting = _acting.get()
    if acting is not _SESSION:
        return acting
    import streamlit as st

    return st.session_state.get("user")


def users_configured() -> bool:
    return bool(load_users())
