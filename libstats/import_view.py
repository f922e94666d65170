"""Streamlit glue for the monthly-returns upload: check, preview, reasons for warnings, confirm, undo."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from libstats import auth, db, export, formats, import_words, importer, signin, ui
from libstats.quality import month_name, number

# The problems shown on the page at most; the rest are in a download (a hostile file can have hundreds of thousands).
PROBLEMS_SHOWN = 200
# The preview shows this many figures of each kind at most (a national return has a million): the counts say
# how many there are in all, and the figures are in the file itself.
PREVIEW_ROWS = 1_000


def _table_of(problems) -> pd.DataFrame:
    return pd.DataFrame([{"Row": p.row, "Column": p.column, "What is wrong": p.message} for p in problems])


def _changes(frame: pd.DataFrame, with_old: bool) -> pd.DataFrame:
    """The first PREVIEW_ROWS figures, as a person reads them (month names, numbers with separators)."""
    frame = frame.head(PREVIEW_ROWS)
    out = pd.DataFrame({
        "Row": frame["row"], "Branch": frame["branch"],
        # a count over a period other than one month (a quarter, a sampled week) or a year says which
        "Month": [p if isinstance(p, str) else month_name(m)
                  for m, p in zip(frame["month"], frame.get("period", [None] * len(frame)))],
        "Measure": frame["label"]})
    if with_old:
        out["Now"] = [number(v) for v in frame["old_value"]]
    out["New"] = [number(v) for v in frame["new_value"]]
    return out


def check_upload(upload, metric: str | None):
    """Read and check one uploaded file (cached in the session on its content, the metric and the data version)."""
    content = upload.getvalue()
    key = ("import_plan", upload.name, importer.checksum_of(content), metric, ui.database().data_version())
    if key not in st.session_state:
        bar = st.progress(0.0, text=f"Checking {ui.plain(upload.name)}")
        def progress(done: float, what: str) -> None:
            bar.progress(min(max(done, 0.0), 1.0), text=ui.plain(what))
        try:
            parsed = importer.read_file(upload.name, content, metric=metric, progress=progress)
            st.session_state[key] = (parsed, importer.validate(ui.database(), parsed, progress=progress), None)
        except importer.ImporterError as problem:
            st.session_state[key] = (None, None, str(problem))
        bar.empty()
    return st.session_state[key]


def show_upload(upload, metric: str | None, who: auth.Identity, index: int) -> None:
    """One file: what was read, every problem, or the preview with the warnings' reasons and the confirm button."""
    parsed, plan, failure = check_upload(upload, metric)
    # Everything from the file (its name, its cells in the messages) is shown as text: ui.plain escapes
    # markdown, and tables are data grids, which do not read it.
    st.subheader(ui.plain(upload.name), anchor=False)
    if failure:
        st.error(ui.plain(failure))
        return
    sheet = f", sheet “{parsed.sheet}”" if parsed.sheet else ""
    st.caption(ui.plain(f"Read as {parsed.shape_label}, header on row {parsed.header_row}{sheet}."))
    for note in plan.notes:
        st.caption(ui.plain(note))
    if plan.problems:
        st.error(f"{formats.plural(len(plan.problems), 'problem')}: nothing from this file will be imported. "
                 "Correct the rows below and upload it again.")
        st.dataframe(_table_of(plan.problems[:PROBLEMS_SHOWN]), hide_index=True, width="stretch",
                     key=f"problems_{index}")
        if len(plan.problems) > PROBLEMS_SHOWN:
            st.caption(f"The first {formats.number(PROBLEMS_SHOWN)} are shown, and {formats.number(len(plan.problems) - PROBLEMS_SHOWN)} more: "
                       "the download has every one.")
            st.download_button("Download every problem (CSV)", lambda: export.to_csv(_table_of(plan.problems)),
                               "problems.csv", "text/csv", key=f"problems_csv_{index}", icon=":material/download:")
        return
    st.write(ui.plain(plan.summary()))
    refusal = importer.scope_refusal(who, plan)
    if refusal:       # said before the button; importer.apply refuses it again whatever the page shows
        st.error(ui.plain(refusal))
        return
    if plan.nothing_to_change:
        return
    left, right = st.columns(2)
    for column, part, with_old, label, key in (
            (left, plan.added, False, "to add", "added"), (right, plan.changed, True, "to change (now → new)", "changed")):
        with column.expander(f"{formats.plural(len(part), 'figure')} {label}", expanded=key == "changed" and not part.empty):
            if len(part) > PREVIEW_ROWS:
                st.caption(f"The first {formats.number(PREVIEW_ROWS)} of {formats.number(len(part))}, in the order of the file.")
            st.dataframe(_changes(part, with_old=with_old), hide_index=True, key=f"{key}_{index}")
    reasons = {}
    if plan.warnings:
        st.warning(f"{formats.plural(len(plan.warnings), 'figure')} {formats.verb(len(plan.warnings), 'looks', 'look')} "
                   "unusual. They can be imported, but say why each is right.")
        for w in plan.warnings:
            reasons[w.key] = st.text_input(ui.plain(w), key=f"reason_{index}_{w.key}",
                                           placeholder="Why this figure is right")
    missing = plan.missing_reasons(reasons)
    if missing:
        st.info(f"{formats.plural(len(missing), 'warning')} still {formats.verb(len(missing), 'needs', 'need')} a reason "
                "before the import can go ahead.")
    if st.button(f"Import {ui.plain(upload.name)}", key=f"confirm_{index}", type="primary",
                 disabled=bool(missing)):
        bar = st.progress(0.0, text=f"Importing {ui.plain(upload.name)}")
        def progress(done: float, what: str) -> None:
            bar.progress(min(max(done, 0.0), 1.0), text=ui.plain(what))
        try:
            result = importer.apply(ui.database(), plan, reasons, signin.actor(), upload.name, parsed.checksum,
                                    progress=progress)
            st.session_state["import_message"] = result.message
            st.rerun()
        except importer.ImporterError as problem:
            bar.empty()
            st.error(ui.plain(problem))
        except (db.StoreError, db.QueryError) as problem:      # a full disk, a damaged store: nothing was written
            bar.empty()
            st.error(ui.plain(f"The import could not be written, so nothing was imported ({problem})."))


def history(who: auth.Identity | None) -> None:
    """Every import, newest first, and the way to undo one (to those who may: their own, or anyone's)."""
    imports = importer.history(ui.database())
    if imports.empty:
        st.write("Nothing has been imported yet: every figure comes from the seed.")
        return
    st.dataframe(import_words.history(imports.drop(columns=["checksum"])), hide_index=True, width="stretch",
                 key="import_history", alt="Import history")
    if not auth.may(who, "undo"):
        return
    live = imports[imports["undone_at"].isna()]
    mine = live[[auth.may_undo(who, by) for by in live["imported_by"]]]
    if live.empty:
        return
    if mine.empty:
        st.caption(ui.plain(f"{who.name} may undo only their own imports, and has none to undo: the head of "
                            "service or an administrator may undo anyone's."))
        return
    labels = {i: f"{i}: {f} ({by})" for i, f, by in zip(mine["import_id"], mine["file_name"], mine["imported_by"])}
    chosen = st.selectbox("Import to undo", list(labels), key="undo_choice", format_func=lambda i: labels.get(i, str(i)))
    with st.expander(f"What import {chosen} changed"):
        st.dataframe(import_words.changes(importer.changes_of(ui.database(), chosen)), hide_index=True, key="undo_changes",
                     alt=f"What import {chosen} changed")
        st.dataframe(import_words.reasons(importer.reasons_of(ui.database(), chosen)), hide_index=True, key="undo_reasons",
                     alt=f"The warnings import {chosen} went ahead with")
    if st.button(f"Undo import {chosen}", key="undo_button",
                 help="Restores the values it replaced and removes the figures it added."):
        try:
            st.session_state["import_message"] = importer.undo(ui.database(), int(chosen), signin.actor()).message
            st.rerun()
        except importer.ImporterError as problem:
            st.error(ui.plain(problem))
