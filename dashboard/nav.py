"""The app's pages. A page is listed only when its data exists (no placeholder pages)."""

from __future__ import annotations

import streamlit as st

from dashboard import queries

# key: (file, title, icon, table that must have rows or None)
PAGES = {
    "overview": ("pages/overview.py", "总览", ":material/dashboard:", None),
    "county": ("pages/county.py", "区县画像", ":material/location_on:", None),
    "plan": ("pages/plan.py", "规划指标", ":material/flag:", "plan_indicator"),
    "hotline": ("pages/hotline.py", "12345热线", ":material/support_agent:", "hotline_ticket"),
    "concession": ("pages/concession.py", "燃气特许经营", ":material/local_fire_department:", "concession_result"),
    "chronicle": ("pages/chronicle.py", "大事记", ":material/event_note:", "chronicle_event"),
    "status": ("pages/status.py", "数据状态", ":material/monitor_heart:", None),
}


# pages a role may not open (数据状态 is the administrators'; a department sees its 12345 data and the gazette)
HIDDEN = {"市级领导": {"status"}, "县级": {"status"}, "部门": {"status", "county", "concession"}}


def available() -> list[str]:
    from dashboard.auth import current_user, users_configured

    user = current_user()
    hidden = HIDDEN.get(user.role, set()) if user else (set() if not users_configured() else set(PAGES) - {"overview"})
    out = []
    for key, (_, _, _, table) in PAGES.items():
        if key in hidden:
            continue
        if table is None:
            out.append(key)
            continue
        try:
            if queries.has_rows(table):
                out.append(key)
        except Exception:
            pass
    return out


def pages() -> list:
    keys = available()
    return [st.Page(PAGES[k][0], title=PAGES[k][1], icon=PAGES[k][2], default=(k == "overview"), url_path=k) for k in keys]


def link(key: str, label: str) -> None:
    """A link to another page; outside a navigation (a page run alone, as in tests) it degrades to a caption."""
    try:
        st.page_link(PAGES[key][0], label=label, icon=PAGES[key][2])
    except Exception:
        st.caption(label)
