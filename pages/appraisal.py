"""Annual appraisal: the year in the order a board report follows, with commentary, targets and the board pack."""
import html

import streamlit as st

from libstats import appraisal, auth, catalogue, filters, fiscal, report, signin, ui
from libstats.content import appraisal as content

selection = filters.current()
fy = selection.fy
# The first section takes a second or so to work out for a year nobody has opened: once someone opens the
# appraisal, every other year's is worked out in the background, newest first, once per process (ui.prewarm),
# so choosing another year in the meeting is quick. bench/RESULTS.md says what it saves.
ui.prewarm(content.section, [(year, "summary") for year in reversed(selection.years)])
notes = ui.run("commentary_for_year", fy=fy).set_index("section")
commentary = {s: notes.at[s, "body"] for s in notes.index}
meeting = selection.meeting
# Only the section open is computed and drawn (each cached on its own); the board pack builds them all.
keys, titles = list(appraisal.SECTIONS), list(appraisal.SECTIONS.values())

if meeting:
    step, asked = appraisal.section_number(st.query_params.get("section"), len(keys))
    last = step == len(keys)
    back, where, forward, _ = st.columns([1.4, 5, 1.9, 2.3], vertical_alignment="center")
    back.button("Previous", key="appraisal_previous", shortcut="Left", disabled=step == 1,
                icon=":material/arrow_back:", on_click=filters.go_to_section, args=(step - 1,))
    where.markdown(f"**Annual appraisal {fy} · section {step} of {len(keys)}** · arrow keys step through")
    # The last section keeps the button working (a disabled button drops the keyboard focus to the page):
    # it goes back to the start, for questions.
    forward.button("Back to the start" if last else "Next", key="appraisal_next", shortcut=None if last else "Right",
                   icon=":material/first_page:" if last else ":material/arrow_forward:",
                   on_click=filters.go_to_section, args=(1 if last else step + 1,))
    # Read out by screen readers each time a new section comes up (a constant sentence and section titles).
    st.html(f'<div aria-live="polite" role="status" data-testid="section_announcement" class="meeting-announcement">'
            f'Section {step} of {len(keys)}: {html.escape(titles[step - 1])}</div>')
    if asked is not None:
        st.info(f"There is no section “{ui.plain(asked)}” in this appraisal: showing section 1.")
    places = [(st.container(), keys[step - 1])]
else:
    st.title(f"Annual appraisal {fy}")
    st.write(f"For the stakeholder board: {fy} against {selection.previous_fy}, in the order of the board report. "
             "Switch on meeting mode in the sidebar to present it one section at a time.")
# The forms are for the head of service alone (and the saves check that again), so the report reads (and
# draws) without them until asked for.
who = signin.identity()
editing = not meeting and auth.may(who, "commentary") and st.toggle(
    "Write commentary and set next year's targets", key="appraisal_edit",
    help="Shows a commentary form under each section, and the targets table.")
if not meeting and not who and signin.no_accounts_yet():
    signin.first_account_note()
if not meeting:
    places = list(zip(st.tabs(titles, key="appraisal_section", on_change="rerun"), keys))

def show_section(key: str) -> None:
    section = ui.computed(content.section, fy, key)
    st.header(section.title, anchor=section.key)
    shown_charts = section.charts[:1] if meeting else section.charts
    key_numbers = {summary for _, _, summary, _ in shown_charts} if meeting else set()
    if meeting:
        # One screen: the key number in words across the top, then the chart beside the section's tables.
        for summary in key_numbers:
            st.subheader(summary)
        both = bool(shown_charts and section.tables)
        chart_side, text_side = st.columns([0.85, 1.15], gap="small") if both else (st.container(), st.container())
    else:
        chart_side = text_side = st.container()
    with text_side:
        for sentence in section.sentences:
            if sentence in key_numbers or (meeting and sentence in section.notes):
                continue                             # above the chart in large type; or left to the speaker
            st.markdown(sentence)
        if section.key in commentary:
            with st.container(border=True):
                st.caption(f"Head of service, written by {ui.plain(notes.at[section.key, 'written_by'])} on "
                           f"{notes.at[section.key, 'written_at']:%d %B %Y at %H:%M}")
                st.text(commentary[section.key])
    with chart_side:
        for shown in shown_charts:
            ui.chart(shown, f"appraisal_{shown.key}", headline=False, meeting_height=430, meeting=meeting)
    with text_side:
        for name, table in (section.room_tables or section.tables) if meeting else section.tables:
            st.markdown(f"**{name}**")
            st.table(ui.escaped(table), hide_index=True, alt=name)     # "Set by" holds a person's name
    if meeting and last:
        # The board can take the pack away without leaving meeting mode; the HTML is made on the click.
        st.download_button(f"Download the board pack (HTML, {fy})",
                           lambda: report.build_html(ui.computed(content.build, fy), commentary).encode("utf-8"),
                           f"appraisal_{fy}.html", "text/html", key="meeting_download_html", icon=":material/download:",
                           help="One file with interactive charts; it opens offline. The PDF is on the page outside meeting mode.")
    if editing:
        with st.expander(f"Commentary on “{section.title}”", expanded=True):
            with st.form(f"commentary_{section.key}", border=False):
                body = st.text_area("What the board should know", commentary.get(section.key, ""),
                                    key=f"commentary_text_{section.key}", max_chars=appraisal.COMMENTARY_LIMIT)
                st.caption(ui.plain(f"Saved as written by {who.name}."))
                if st.form_submit_button("Save the commentary"):
                    try:
                        appraisal.save_commentary(ui.database(), fy, section.key, body, signin.actor())
                        st.rerun()
                    except (ValueError, auth.Refused) as problem:
                        st.error(ui.plain(problem))
        if section.key == "next_year":
            upcoming = fiscal.next_fy(fy)
            with st.expander(f"Set the targets for {upcoming}", expanded=True):
                with st.form("targets_form", border=False):
                    edited = st.data_editor(
                        appraisal.editable_targets(ui.run, upcoming), key="targets_editor", num_rows="dynamic",
                        hide_index=True, width="stretch", column_config={
                            "Measure": st.column_config.SelectboxColumn(options=list(appraisal.TARGET_METRICS), required=True),
                            "Scope": st.column_config.SelectboxColumn(options=list(catalogue.STORED_SCOPES), required=True),
                            "Target": st.column_config.NumberColumn(min_value=0, format="localized", required=True)})
                    st.caption(ui.plain(f"Saved as set by {who.name}."))
                    if st.form_submit_button("Save the targets"):
                        try:
                            saved = appraisal.save_targets(ui.database(), upcoming, edited, signin.actor())
                            st.success(f"Saved {saved} targets for {upcoming}.")
                        except (ValueError, auth.Refused) as problem:
                            st.error(ui.plain(problem))


for place, key in places:
    if meeting or place.open:
        with place:
            show_section(key)

if not meeting:
    # Chromium starts now, in the background, so building the PDF pack waits only for drawing and printing.
    ui.printer().warm()
    st.header("The board pack", anchor="pack")
    st.write("One file for the board: HTML (interactive charts, opens offline from an email) or PDF (A4, for print).")
    left, right = st.columns(2)
    for column, kind in ((left, "html"), (right, "pdf")):
        if column.button(f"Build the {kind.upper()} pack", key=f"build_{kind}", width="stretch"):
            bar = column.progress(0.0, text="Starting")
            extra = {} if kind == "html" else {"printer": ui.printer()}
            build = report.build_html if kind == "html" else report.build_pdf
            try:
                pack = build(ui.computed(content.build, fy), commentary, **extra,
                             progress=lambda done, what, bar=bar: bar.progress(min(done, 1.0), text=what))
                st.session_state[f"pack_{kind}"] = (fy, pack.encode("utf-8") if isinstance(pack, str) else pack)
            except report.PackError as problem:       # a plain sentence: Chromium missing, or it could not print
                bar.empty()
                column.error(str(problem))
        built = st.session_state.get(f"pack_{kind}")
        if built and built[0] == fy:
            column.download_button(f"Download the {kind.upper()} pack", built[1], f"appraisal_{fy}.{kind}",
                                   "text/html" if kind == "html" else "application/pdf", key=f"download_{kind}",
                                   width="stretch", icon=":material/download:")
