"""Audit trail: sign-ins, imports, undos, commentary, targets and account changes, for the head of service and administrators."""
import streamlit as st

from libstats import auth, export, filters, formats, signin, ui

who = signin.identity()
if not auth.may(who, "audit"):
    # Reached by its address without being listed (or run on its own): the page refuses too, not only the navigation.
    st.error("Only the head of service and administrators may see the audit trail. Sign in as one of them.")
    st.stop()
filters.current()
st.title("Audit trail")
trail = auth.audit_trail(ui.database()).rename(columns={
    "audit_id": "#", "happened_at": "When (UTC)", "who": "Who", "action": "What happened", "what": "Details",
    "address": "From"})
st.write(f"{formats.number(len(trail))} entries, newest first: who, when, what and from which address. Each was written in the "
         "same transaction as the change it records; nothing here can be changed from the dashboard.")
actions = st.multiselect("Show", sorted(trail["What happened"].unique()), key="audit_actions",
                         placeholder="every kind of entry")
shown = trail[trail["What happened"].isin(actions)] if actions else trail
st.dataframe(shown, hide_index=True, width="stretch", key="audit_table")
st.download_button("Download the audit trail (CSV)", lambda: export.to_csv(trail), "audit_trail.csv", "text/csv",
                   key="audit_csv", icon=":material/download:")
