"""The server entry (`python -m streamlit run dashboard/server.py`): the app of dashboard/app.py served by st.App
with the routes that turn a login into a signed, HttpOnly session cookie (dashboard/sessions.py), so a session
survives a browser refresh. AppTest and `streamlit run dashboard/app.py` still work, with sessions that end at a
refresh as before."""

import streamlit as st

from dashboard import sessions

sessions.ENABLED = True
app = st.App("app.py", routes=sessions.routes())
