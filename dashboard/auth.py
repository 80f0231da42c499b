"""Users, roles and what each may see. Users live in a JSON file outside git (data/users.json or
$DASHBOARD_USERS) with bcrypt password hashes; `python -m dashboard.users` adds users and resets passwords.

Roles: 管理员 (everything, and 数据状态), 市级领导 (all data), 县级 (one county), 部门 (one department's
12345 tickets). The restriction is applied to the parameters of every query (dashboard.queries.run), so
no filter, link or download can widen it. With no users configured the app runs in an open demo mode.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from etl.config import DATA_DIR

ROLES = ("管理员", "市级领导", "县级", "部门")


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    county: str | None = None
    department: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "管理员"

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


def authenticate(username: str, password: str, path: Path | None = None) -> User | None:
    record = load_users(path).get(username.strip())
    if not record or not password:
        # compare against a dummy hash anyway, so a wrong user name takes as long as a wrong password
        bcrypt.checkpw(b"x", b"$2b$12$C6UzMDM.H6dfI/f/IKcEe.5LpQ7uYEaNOs2H8Ap6u6FQJOnhCk9vO")
        return None
    if not bcrypt.checkpw(password.encode("utf-8"), record["password_hash"].encode("ascii")):
        return None
    return User(username.strip(), record.get("name") or username, record["role"], record.get("county"), record.get("department"))


def restrict(params: dict, user: User | None) -> dict:
    """Query parameters narrowed to what the user may see. Lists of counties/departments are intersected
    with the user's own (an empty list, meaning 'all', becomes the user's one); a single county that is
    not the user's becomes one that matches nothing."""
    if user is None or user.role in ("管理员", "市级领导"):
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


def current_user() -> User | None:
    """The logged-in user of this session (None in the open demo mode or before login)."""
    import streamlit as st

    return st.session_state.get("user")


def users_configured() -> bool:
    return bool(load_users())
