"""Set-up shared by every page: page config, warehouse availability, the sidebar's status line."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import polars as pl
import streamlit as st

from dashboard import audit, auth, db, queries, sessions
from dashboard.auth import User
from dashboard.filters import Scope, scope_bar
from warehouse.contract import WAREHOUSE_SCHEMA_VERSION

APP_TITLE = "曲靖市运行监测"


def setup() -> Scope | None:
    """The global scope from the sidebar filter bar; None (after telling the user why) when there is no
    warehouse to read."""
    try:
        db.connection()
    except db.WarehouseMissing as e:
        st.error(f"数据仓库尚未生成（{e}）。请先运行 `make run` 或 `python -m etl run` 导入数据。")
        return None
    version = queries.warehouse_info().get("schema_version")
    if version != WAREHOUSE_SCHEMA_VERSION:
        st.error(
            f"数据仓库的结构版本（{version or '未知'}）与当前程序（{WAREHOUSE_SCHEMA_VERSION}）不一致，多半是程序升级后还没有重新运行 ETL。"
            "请运行 `make run` 或 `python -m etl run` 重建数据仓库（数据湖中的数据会全部保留）。"
        )
        return None
    user = login_gate()
    if user is False:
        return None
    aliases = dict(queries.county_aliases().iter_rows())
    scope = scope_bar(queries.scope_options(), aliases, user)
    with st.sidebar:
        st.divider()
        st.markdown(f"**{APP_TITLE}**")
        st.caption(status_line())
        if user is None:
            st.info("演示模式：未配置用户，任何人可查看全部数据。添加用户后即需登录（见 README“用户与权限”）。", icon="🔓")
        else:
            st.caption(f"当前用户：{user.describe()}")
            if st.button("退出登录", key="logout"):
                logout(user)
    return scope


def _end_session(user: User, event: str, message: str) -> None:
    audit.record(user.username, event, client=auth.client_address())
    sessions.end(st.context.cookies.get(sessions.COOKIE))
    for key in ("user", "user_stamp", "last_seen"):
        st.session_state.pop(key, None)
    st.session_state["login_notice"] = message


def _resume(now: float, policy: auth.LoginPolicy) -> User | None:
    """The user of a session cookie (a refresh, a new tab): the cookie's session must be live and its user as the
    users file has it now."""
    username, stamp, why = sessions.resume(st.context.cookies.get(sessions.COOKIE), policy.idle_minutes, now)
    if why == "expired":
        audit.record(username, "session_expired", client=auth.client_address())
        st.session_state["login_notice"] = f"超过 {policy.idle_minutes} 分钟未操作，已自动退出，请重新登录。"
        return None
    if username is None:
        return None
    if stamp is None or stamp != auth.record_stamp(username):
        sessions.end_all(username)
        audit.record(username, "session_revoked", client=auth.client_address())
        st.session_state["login_notice"] = "账户已被管理员修改或删除，请重新登录。"
        return None
    user = auth.user_of(username)
    if user is not None:
        st.session_state.update(user=user, user_stamp=stamp, last_seen=now)
    return user


# The identity provider sends the browser back to the app's home page after login. The page and filters a
# forwarded link asked for are kept in the tab's sessionStorage meanwhile, and the first page after login
# goes back to them.
_REMEMBER_TARGET = "<script>sessionStorage.setItem('qj_after_login', location.pathname + location.search)</script>"
_RETURN_TO_TARGET = (
    "<script>const t = sessionStorage.getItem('qj_after_login'); sessionStorage.removeItem('qj_after_login');"
    " if (t && t !== location.pathname + location.search) { location.replace(t); }</script>"
)


def login_gate(now: float | None = None) -> User | None | bool:
    """The logged-in user; None in the open demo mode (no users configured); False while the login form is shown.
    A session ends after the idle time, and at the first request after the users CLI changed or removed its user."""
    now = time.time() if now is None else now
    policy = auth.LoginPolicy.from_env()
    if auth.login_mode() == "sso":
        return _sso_gate(now, policy)
    user = auth.current_user()
    configured = auth.users_configured()
    if user is None and configured and sessions.ENABLED:
        user = _resume(now, policy)
        if user is not None:
            return user
    if user is not None and configured:
        if sessions.ENABLED:  # keep the cookie's session alive while this page is in use
            sessions.resume(st.context.cookies.get(sessions.COOKIE), policy.idle_minutes, now)
        if now - st.session_state.get("last_seen", now) > policy.idle_minutes * 60:
            _end_session(user, "session_expired", f"超过 {policy.idle_minutes} 分钟未操作，已自动退出，请重新登录。")
        elif st.session_state.get("user_stamp") != auth.record_stamp(user.username):
            _end_session(user, "session_revoked", "账户已被管理员修改或删除，请重新登录。")
        else:
            st.session_state["last_seen"] = now
            return user
    elif user is not None:
        return user
    if not configured:
        return None
    st.title(APP_TITLE)
    if notice := st.session_state.pop("login_notice", None):
        st.info(notice)
    with st.form("login"):
        st.subheader("登录")
        username = st.text_input("用户名", key="login_user")
        password = st.text_input("密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录")
    if submitted:
        name, client = username.strip(), auth.client_address()
        if auth.locked_out(name, client, dt.datetime.fromtimestamp(now), policy):
            audit.record(name or None, "login_locked", client=client)
            st.error(f"登录失败次数过多，已暂时锁定，请 {policy.lock_minutes} 分钟后再试，或联系管理员。")
            return False
        user = auth.authenticate(name, password)
        if user is None:
            audit.record(name or None, "login_failed", client=client)
            st.error("用户名或密码不正确。")
        else:
            audit.record(user.username, "login", user.describe(), client=client)
            stamp = auth.record_stamp(user.username)
            st.session_state.update(user=user, user_stamp=stamp, last_seen=now)
            if sessions.ENABLED:  # the cookie: the browser goes by /session/start and comes back to this page
                st.html(sessions.handoff_script(sessions.start(user.username, stamp, now)), unsafe_allow_javascript=True)
                return False
            st.rerun()
    return False


def _sso_gate(now: float, policy: auth.LoginPolicy) -> User | bool:
    """Single sign-on: the identity comes from the provider (st.login), the role and scope from the
    administrator's identity map, re-read at every request (a changed or removed rule applies at once)."""
    if not st.user.is_logged_in:
        st.title(APP_TITLE)
        if not _sso_configured():
            st.error(
                "已设置统一身份认证登录（DASHBOARD_LOGIN=sso），但 .streamlit/secrets.toml 中没有 [auth] 配置。请系统管理员按 docs/OPERATIONS.md 配置。"
            )
            return False
        st.subheader("登录")
        st.caption("请使用曲靖市统一身份认证平台的账号登录。")
        st.html(_REMEMBER_TARGET, unsafe_allow_javascript=True)
        if st.button("使用统一身份认证登录", key="sso_login", type="primary"):
            st.login()
        return False
    claims = st.user.to_dict()
    identity = str(claims.get("email") or claims.get("sub") or "")
    try:
        user = auth.map_identity(claims)
    except ValueError as e:
        st.error(f"身份映射文件有误，请联系系统管理员：{e}")
        return False
    if user is None:
        if st.session_state.get("refused") != identity:
            audit.record(identity or None, "login_refused", "统一身份认证：身份映射中没有此账号", client=auth.client_address())
            st.session_state["refused"] = identity
        st.title(APP_TITLE)
        st.error(
            f"您的统一身份认证账号（{identity}）尚未开通本系统的查看权限。"
            "请联系市人民政府办公室信息化科（本系统管理员），说明单位、职务和需要查看的县（市、区）或部门，开通后即可登录。"
        )
        if st.button("退出登录", key="sso_refused_logout"):
            st.logout()
        return False
    counties = queries.scope_options().filter(pl.col("kind") == "county")["value"].to_list()
    if user.county is not None and user.county not in counties:
        st.error(
            f"身份映射文件有误，请联系系统管理员：{auth.identity_map_file().name} 中 {identity} 的县区“{user.county}”不是本系统的县（市、区）。"
        )
        return False
    last = audit.sso_last_seen(identity)
    if last is not None and now - last > policy.idle_minutes * 60:
        audit.sso_forget(identity)
        audit.record(identity, "session_expired", "统一身份认证", client=auth.client_address())
        st.logout()  # the provider's cookie goes too: the next visit logs in again
        return False
    audit.sso_touch(identity, now)
    if last is None:
        audit.record(identity, "login", f"{user.describe()} · 统一身份认证", client=auth.client_address())
    if not st.session_state.get("sso_started"):  # the first page of this browser session
        st.session_state["sso_started"] = True
        st.html(_RETURN_TO_TARGET, unsafe_allow_javascript=True)
    st.session_state.update(user=user, last_seen=now)
    return user


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def logout(user: User) -> None:
    """Ends the session on the app side, and with single sign-on at the provider (where it supports it)."""
    if auth.login_mode() == "sso":
        audit.sso_forget(user.username)
        audit.record(user.username, "logout", "统一身份认证", client=auth.client_address())
        st.session_state.pop("user", None)
        st.logout()
    else:
        _end_session(user, "logout", "已退出登录。")
        if sessions.ENABLED:  # the cookie goes too
            st.html(sessions.logout_script(), unsafe_allow_javascript=True)
            st.stop()
        st.rerun()


def status_line() -> str:
    info = queries.warehouse_info()
    r = queries.last_run(queries.run_log())
    built = info.get("built_at", "—").replace("T", " ")
    text = f"数据仓库生成于 {built}"
    if r is not None:
        text += f" · 最近一次 ETL {r['started_at']:%Y-%m-%d %H:%M} {queries.RUN_STATUS_ZH.get(r['status'], r['status'])}"
        if r["status"] in ("failed", "killed"):
            text += "（仍在使用上一版数据）"
    return text


def page_header(title: str, caption: str | None = None, scope: str | None = None) -> None:
    """Title, what the page shows, and one line saying the current filter."""
    st.title(title)
    if caption:
        st.caption(caption)
    if scope:
        st.markdown(f"**当前筛选：** {scope}")


def tabs(pages: dict[str, Callable[[], None]], key: str, default: str | None = None) -> None:
    """A page's tabs, bound to the URL (a link opens the same tab), drawing only the one that is open: a rerun (a
    filter change, a tab switch) runs one tab's queries and sends one tab's charts instead of every tab's
    (docs/PERFORMANCE.md, felt latency). `default` opens another tab than the first when the URL names none."""
    containers = st.tabs(list(pages), default=default, key=key, bind="query-params")
    for container, draw in zip(containers, pages.values(), strict=True):
        if container.open is not False:  # None where Streamlit does not track the tab: draw it
            with container:
                draw()
