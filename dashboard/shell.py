"""Set-up shared by every page: page config, warehouse availability, the sidebar's status line."""

from __future__ import annotations

import streamlit as st

from dashboard import audit, auth, db, queries
from dashboard.auth import User
from dashboard.filters import Scope, scope_bar
from etl.config import WAREHOUSE_SCHEMA_VERSION

APP_TITLE = "曲靖市运行监测"


def leave_mpa_v1() -> None:
    """Streamlit treats an app with a pages/ folder in the old multipage mode until the entry file has
    called st.navigation once. A freshly started server whose first visitor opens a page link (e.g.
    /chronicle) would run that page alone: no page config, file names as navigation. Switch the process
    to st.navigation mode and rerun, which runs app.py and lands on the same page."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def setup() -> Scope | None:
    """The global scope from the sidebar filter bar; None (after telling the user why) when there is no
    warehouse to read."""
    leave_mpa_v1()
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
                audit.record(user.username, "logout")
                st.session_state.pop("user", None)
                st.rerun()
    return scope


def login_gate() -> User | None | bool:
    """The logged-in user; None in the open demo mode (no users configured); False while the login form is shown."""
    user = auth.current_user()
    if user is not None:
        return user
    if not auth.users_configured():
        return None
    st.title(APP_TITLE)
    with st.form("login"):
        st.subheader("登录")
        username = st.text_input("用户名", key="login_user")
        password = st.text_input("密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录")
    if submitted:
        user = auth.authenticate(username, password)
        if user is None:
            audit.record(username.strip() or None, "login_failed")
            st.error("用户名或密码不正确。")
        else:
            audit.record(user.username, "login", user.describe())
            st.session_state["user"] = user
            st.rerun()
    return False


def status_line() -> str:
    info = queries.warehouse_info()
    runs = queries.run_log()
    last = runs.filter(runs["source"] == "publish").head(1)
    built = info.get("built_at", "—").replace("T", " ")
    text = f"数据仓库生成于 {built}"
    if last.height:
        r = last.row(0, named=True)
        outcome = "成功" if r["status"] == "success" else "失败"
        text += f" · 最近一次 ETL {r['started_at']:%Y-%m-%d %H:%M} {outcome}"
        if r["status"] != "success":
            text += "（仍在使用上一版数据）"
    return text


def page_header(title: str, caption: str | None = None, scope: str | None = None) -> None:
    """Title, what the page shows, and one line saying the current filter."""
    st.title(title)
    if caption:
        st.caption(caption)
    if scope:
        st.markdown(f"**当前筛选：** {scope}")
