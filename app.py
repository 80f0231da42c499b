"""Entry point: page config and navigation. Each page's body lives in dashboard/views/."""

import streamlit as st

from dashboard import db, nav
from dashboard.shell import APP_TITLE

st.set_page_config(page_title=APP_TITLE, page_icon=":material/location_city:", layout="wide")

try:
    pages = nav.pages()
except db.WarehouseMissing:
    pages = [st.Page(nav.PAGES["status"][0], title=nav.PAGES["status"][1], default=True)]
# before login the pages are registered but not listed: each shows the login form
st.navigation(pages, position="hidden" if nav.awaiting_login() else "sidebar").run()
