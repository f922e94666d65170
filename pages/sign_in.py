"""Sign in: through the council's identity provider when it is set up, or with a local account."""
import streamlit as st

from libstats import filters, signin

filters.current()          # (a first request straight to this page reruns through dashboard.py)
st.title("Sign in")
st.write("Anyone may read the dashboard. Signing in lets librarians import their returns, and the head of service "
         "write the appraisal's commentary and set next year's targets.")
signin.sign_in_form()
