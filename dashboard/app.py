"""Entry point (`python -m streamlit run dashboard/app.py` from the project root): page config and navigation.
Each page's body lives in dashboard/views/; pages/ holds one thin file per page.

The entry sits here rather than beside pages/: Streamlit runs an entry script that has a pages/ folder beside it
in its old multipage mode until st.navigation has been called once, so a fresh server's first visitor on a
page link (/chronicle) would get that page alone, without page config or navigation. With no pages/ folder
beside the entry, st.navigation governs from the first request (tests/browser/test_browser.py opens a page
link first on a fresh server)."""

from pathlib import Path

import streamlit as st

from dashboard import db, memory, nav
from dashboard.shell import APP_TITLE

# a local icon: a Material icon as page_icon is fetched from fonts.gstatic.com, and the app must work offline
ASSETS = Path(__file__).parent / "assets"
st.set_page_config(page_title=APP_TITLE, page_icon=str(ASSETS / "favicon.png"), layout="wide")
st.html(f"<style>{(ASSETS / 'app.css').read_text(encoding='utf-8')}</style>")  # print and phone layout

try:
    pages = nav.pages()
except db.WarehouseMissing:
    pages = [st.Page(nav.PAGES["status"][0], title=nav.PAGES["status"][1], default=True)]
# before login the pages are registered but not listed: each shows the login form
st.navigation(pages, position="hidden" if nav.awaiting_login() else "sidebar").run()
memory.freeze_once()  # after the first run has imported its page's libraries
