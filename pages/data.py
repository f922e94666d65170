"""Data: import monthly returns, undo an import, the data-quality register and completeness, and the full export."""
import streamlit as st

from libstats import auth, export, filters, import_view, signin, ui
from libstats.content import data as content

selection = filters.current()
st.title("Data: monthly returns and data quality")
if message := st.session_state.pop("import_message", None):
    st.success(ui.plain(message))        # it names the file, which the librarian chose

# The open tab tells the page what to run: the register checks every stored figure (seconds at national
# scale) and the export counts them, so those two run only when open. Import and its history always
# run, so an upload in progress survives a look at another tab.
tabs = st.tabs(["Import", "Import history", "Data quality", "Export"], key="data_tab", on_change="rerun")
who = signin.identity()       # what to show; the importer checks the account again when it writes
with tabs[0]:
    st.write("Upload the monthly returns as CSV or Excel. The layout is recognised from the header: "
             "`month,borough,branch,metric,value`; `month,branch,<measure>,…`; the library data schema "
             "(visits or loans, ISO or dd/mm/yyyy dates); or `Library,2015-04,2015-05,…` for one measure. "
             "Every file is checked before anything is written; a file with a problem writes nothing.")
    importing = content.import_tab(ui.run, st.get_option("server.maxUploadSize"))
    st.caption(importing.limits)
    if auth.may(who, "import"):
        scope = "any borough" if who.role != "librarian" else ", ".join(who.scopes)
        st.caption(ui.plain(f"Importing as {who.describe()}: every import is recorded with your name, and you may "
                            f"import figures for {scope}."))
        metric = st.selectbox("Measure, for a file with one column per month", list(importing.measures),
                              key="import_metric", format_func=importing.measures.get)
        uploads = st.file_uploader("Monthly returns", type=["csv", "xlsx"], accept_multiple_files=True, key="upload")
        for index, upload in enumerate(uploads or []):
            with st.container(border=True):
                import_view.show_upload(upload, metric, who, index)
    elif signin.no_accounts_yet():
        signin.first_account_note()
    elif who is None:
        st.info("Sign in as a librarian to import returns (the Sign in page, in the sidebar).", icon=":material/login:")
    else:
        st.info(ui.plain(f"{who.describe()} may not import returns: librarians, the head of service and "
                         "administrators may."), icon=":material/block:")

with tabs[1]:
    import_view.history(who)

with tabs[2]:
    if tabs[2].open:
        checked = content.register(ui.run, ui.quality_register(), selection.fy, selection.scope, selection.borough)
        register = checked.frame
        st.write(checked.summary)
        status = st.multiselect("Status", list(content.STATUSES), default=["open"], key="register_status")
        shown = checked.shown(status)     # its Measure column is already the measure's name
        st.dataframe(shown, hide_index=True, width="stretch", key="register_table", alt="The data-quality register")
        st.download_button("Download the register (CSV)", lambda: export.to_csv(register), "data_quality_register.csv",
                           "text/csv", key="register_csv", icon=":material/download:")
        st.caption("Explained: a reason was given at import, or the branch had a change on record in the year before "
                   "(a closure, a new building), or its opening hours changed enough to account for the change. Corrected: a "
                   "later import replaced the figure that failed.")
        st.subheader(checked.completeness.title, anchor="completeness")
        st.caption("✓ figures present · 0 figures all zero · ✗ missing: due (open and in the return) but absent · "
                   "blank: not due (closed, not yet open, or out of the return).")
        st.dataframe(checked.completeness.frame, hide_index=True, width="stretch", key="completeness_grid",
                     alt=checked.completeness.title)

with tabs[3]:
    if tabs[3].open:
        st.write("Every figure in the warehouse in one shape (borough, branch, month, financial year, measure, "
                 "value, provenance and source). A branch's month of a published year is provenance `split`: the "
                 "borough's total is published, its split by branch and month is modelled. Cells that a "
                 "spreadsheet would read as a formula are written as text.")
        counted = content.export_tab(ui.run)
        st.caption(counted.count_text)

        def every_figure():
            # Read when a button is pressed, not on every run: at national scale this is 3 million rows.
            return export.with_source(ui.database().run("all_figures"))

        cols = st.columns(3)
        cols[0].download_button("CSV", lambda: export.to_csv(every_figure()), "library_figures.csv", "text/csv",
                                key="export_csv", width="stretch", icon=":material/download:")
        cols[1].download_button("Parquet", lambda: export.to_parquet(every_figure()), "library_figures.parquet",
                                "application/vnd.apache.parquet", key="export_parquet", width="stretch",
                                icon=":material/download:")
        if counted.excel:
            cols[2].download_button("Excel", lambda: export.to_excel(every_figure(), "Figures"), "library_figures.xlsx",
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                    key="export_xlsx", width="stretch", icon=":material/download:")
        else:
            cols[2].caption(counted.excel_note)

