"""The app's pages. A page is listed only when its data exists (no placeholder pages)."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import queries, sessions
from warehouse.paths import PROJECT_ROOT

PAGES_DIR = PROJECT_ROOT / "pages"

# key: (file, title, icon, table that must have rows or None). The entry script is dashboard/app.py, so the
# page files are named from the project root.
PAGES = {
    "overview": (PAGES_DIR / "overview.py", "总览", ":material/dashboard:", None),
    "county": (PAGES_DIR / "county.py", "区县画像", ":material/location_on:", None),
    "alerts": (PAGES_DIR / "alerts.py", "预警中心", ":material/notifications_active:", None),
    "plan": (PAGES_DIR / "plan.py", "规划指标", ":material/flag:", "plan_indicator"),
    "hotline": (PAGES_DIR / "hotline.py", "12345热线", ":material/support_agent:", "hotline_ticket"),
    "concession": (PAGES_DIR / "concession.py", "燃气特许经营", ":material/local_fire_department:", "concession_result"),
    "chronicle": (PAGES_DIR / "chronicle.py", "大事记", ":material/event_note:", "chronicle_event"),
    "status": (PAGES_DIR / "status.py", "数据状态", ":material/monitor_heart:", None),
}


# pages a role may not open (数据状态 is the administrators'; a department sees its 12345 data and the gazette)
HIDDEN = {"市级领导": {"status"}, "县级": {"status"}, "部门": {"status", "county", "concession"}}


def signed_in_user():
    """The session's user; with single sign-on, before the page's gate has run, the one the provider's
    identity maps to (so the navigation is the role's from the first run of a session)."""
    from dashboard import auth

    user = auth.current_user()
    if user is None and sessions.ENABLED and auth.login_mode() == "password":  # a refresh: the cookie's session
        username, stamp, _ = sessions.resume(st.context.cookies.get(sessions.COOKIE), auth.LoginPolicy.from_env().idle_minutes, touch=False)
        if username is not None and stamp is not None and stamp == auth.record_stamp(username):
            user = auth.user_of(username)
    if user is None and auth.login_mode() == "sso" and st.user.is_logged_in:
        try:
            user = auth.map_identity(st.user.to_dict())
        except ValueError:
            user = None
    return user


def awaiting_login() -> bool:
    """A login is needed and nobody is signed in: every page is registered (so a forwarded link keeps its page
    and filters through the login) and each shows the login form."""
    from dashboard import auth

    return signed_in_user() is None and auth.login_required()


def available() -> list[str]:
    user = signed_in_user()
    if user is None and awaiting_login():
        return list(PAGES)
    hidden = HIDDEN.get(user.role, set()) if user else set()
    out = []
    for key, (_, _, _, table) in PAGES.items():
        if key in hidden:
            continue
        if table is None:
            out.append(key)
            continue
        if queries.has_rows(table):
            out.append(key)
    return out


def pages() -> list:
    keys = available()
    return [st.Page(PAGES[k][0], title=PAGES[k][1], icon=PAGES[k][2], default=(k == "overview"), url_path=k) for k in keys]


def link(key: str, label: str) -> None:
    """A link to another page; outside a navigation (a page run alone, as in tests) it degrades to a caption."""
    try:
        st.page_link(PAGES[key][0], label=label, icon=PAGES[key][2])
    except StreamlitAPIException:  # no st.navigation in this run: the page was run alone
        st.caption(label)
