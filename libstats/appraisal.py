"""The annual appraisal for the board: its sections, what four of them say, the as-of rule, and the head of
service's commentary and targets. No Streamlit.

libstats/content/appraisal.py puts the year together (build, section) from the pages' content (Year on year,
the Overview, Priorities, Value for money), computed with known_by's run; the functions here word it, and run
the few queries for what no page shows (the year's own provenance, active borrowers, published pairs, the
reasons on record, next year's targets), so the page (cached queries) and the board pack (a plain Database)
say exactly the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from libstats import catalogue, charts, fiscal, formats, overview, priorities, shared_service, yoy
from libstats import provenance as prov
from libstats.parts import Chart, Run, Table

SECTIONS = {
    "summary": "1. Summary",
    "what_happened": "2. What happened",
    "performance": "3. Borough and branch performance",
    "value_for_money": "4. Value for money",
    "next_year": "5. Next year",
}
SCOPES = tuple((s.name, s.borough) for s in catalogue.SCOPES)


@dataclass
class Section:
    key: str
    title: str
    sentences: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # The same tables worded to fit beside a chart on a projector (meeting mode), where tables has a long one.
    room_tables: list[Table] = field(default_factory=list)
    # Sentences (among sentences) the page and the pack print but a projector leaves to the speaker: the
    # caveats whose marks the room tables carry, so a section still fits one screen.
    notes: list[str] = field(default_factory=list)


@dataclass
class Appraisal:
    fy: str
    previous_fy: str
    sections: list[Section]
    headline_numbers: dict[str, str]


def section_number(asked: str | None, count: int) -> tuple[int, str | None]:
    """The section a meeting-mode link asks for, and the text it gave when that is no section (shown as 1)."""
    if asked is None or asked == "":
        return 1, None
    text = asked.strip()
    if text.isdecimal() and 1 <= int(text) <= count:
        return int(text), None
    return 1, asked


def _measures(run: Run) -> dict[str, catalogue.Measure]:
    return catalogue.measures(run("metric_catalogue"))


def _pct(change: float | None) -> str:
    return "—" if change is None else formats.percent(change, 1, sign=True)


def _marked(text: str, kinds) -> str:
    """A figure with the mark of its provenance when that is not published ('+8.0% ◐'), so a reader of a
    table or a sentence can tell a finding from an estimate without a legend or colour."""
    mark = "" if text in ("—", "no figure") else prov.marker(kinds)
    return f"{text}\u00a0{mark}" if mark and mark != "✓" else text      # no line break between the two


def ranked_sources(shown: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    """The Source labels (yoy.branch_table's) of the branches shown, in their order."""
    labels = dict(zip(table["Branch"], table["Source"]))
    return [labels.get(b, "—") for b in shown["Branch"]]


# yoy.branch_table's Source column holds labels; back to a kind for the marker.
_KIND_OF_LABEL = {"published": "published", "part modelled": "split", "modelled": "modelled", "imported": "imported",
                  "published and imported": "published,imported"}


def published_pairs(run: Run, fy: str, previous_fy: str, borough: str | None) -> list[str]:
    """Sentences for the like-for-like comparisons a return does publish: a busiest point's own figures in both
    years, with its visits per opening hour (hours of the same year)."""
    points = run("published_points", fy=fy, previous_fy=previous_fy, borough=borough)
    points = points[points["metric"] == "visits"]
    if points.empty:
        return []
    hours = run("branch_opening_hours", fys=[previous_fy, fy], borough=borough, months=list(range(1, 13)))
    out = []
    for p in points.itertuples():
        text = (f"{p.branch} (its return's busiest point, published in both years): visits {formats.number(p.previous)} in "
                f"{previous_fy} and {formats.number(p.value)} in {fy} ({formats.percent(p.value / p.previous - 1, 1, sign=True)})")
        open_hours = hours[hours["branch"] == p.branch].set_index("fy")
        if {fy, previous_fy} <= set(open_hours.index):
            before = p.previous / open_hours.loc[previous_fy, "opening_hours"]
            after = p.value / open_hours.loc[fy, "opening_hours"]
            kinds = prov.combine(*open_hours.loc[[previous_fy, fy], "provenance"])
            text += (f"; visits per opening hour {formats.number(before, 1)} → {formats.number(after, 1)} ({formats.percent(after / before - 1, 1, sign=True)}"
                     f"{'' if prov.is_published(kinds) else ', the hours ' + prov.words(kinds)})")
        out.append(text.replace("+-", "-") + ".")
    return out


def summary(run: Run, fy: str, previous_fy: str, compared: dict, month_by_month) -> tuple[Section, dict[str, str]]:
    """Headline figures for the service and each borough: change as reported and like for like, target, nation.

    compared: the Year on year page's summary (content/year_on_year.py) of each (scope, measure code), whose
    comparison, months and target status the rows word; month_by_month: the Overview's whole-service visits
    (content/overview.py), whose figures the chart draws under the appraisal's own title.
    """
    measures = _measures(run)
    section = Section("summary", SECTIONS["summary"])
    rows, room, numbers, caveats = [], [], {}, []
    national = {fy_: (v, p) for fy_, v, p in shared_service.NATIONAL_VISITS}
    uk_change = (national[fy][0] / national[previous_fy][0] - 1) if fy in national and previous_fy in national else None
    uk_provenance = {national[y][1] for y in (fy, previous_fy) if y in national}
    for scope, borough in SCOPES:
        for code in ("visits", "book_issues"):
            m, page = measures[code], compared[(scope, code)]
            comparison, status = page.comparison, page.target
            if comparison is None:
                continue
            provenance = comparison.this_year_provenance
            lfl = comparison.like_for_like_provenance
            rows.append({
                "Scope": scope, "Measure": m.label, fy: _marked(m.value_text(comparison.reported[0]), provenance),
                "Change as reported": _marked(_pct(yoy.Comparison.change(comparison.reported)),
                                              comparison.reported_provenance),
                "Change like for like": _marked(_pct(yoy.Comparison.change(comparison.like_for_like)), lfl),
                "Against target": status.verdict if status else "no target set",
                "UK change": _marked(_pct(uk_change), uk_provenance) if code == "visits" else "—",
                # the row's weakest figure (the verdict says itself when its target is illustrative)
                "Source": prov.short(row_kinds := prov.combine(comparison.reported_provenance, lfl)),
            })
            if prov.is_published(comparison.reported_provenance) and not prov.is_published(lfl) \
                    and comparison.included and yoy.Comparison.change(comparison.like_for_like) is not None:
                caveats.append(
                    f"{scope} {m.label.lower()} like for like ({_pct(yoy.Comparison.change(comparison.like_for_like))}) "
                    f"is not measurable from published data: it adds up {len(comparison.included)} branches whose "
                    f"split of the published totals is modelled, so it is an estimate, not a finding.")
                if code == "visits" and borough is not None:
                    caveats.extend(published_pairs(run, fy, previous_fy, borough))
            room.append({**rows[-1], "Against target": f"{status.short_verdict} ({status.target_text})"
                         if status else "no target", "_provenance": row_kinds})
            numbers[f"{scope} {m.label.lower()}"] = m.value_text(comparison.reported[0])
        borrowers = run("annual_by_borough", metrics=["active_borrowers"], borough=borough)
        if borough is not None and not borrowers.empty:
            values = borrowers.set_index("fy")["value"]
            kinds = borrowers.set_index("fy")["provenance"]
            both = prov.combine(kinds.get(fy), kinds.get(previous_fy))
            rows.append({"Scope": scope, "Measure": catalogue.measure("active_borrowers").label,
                         fy: _marked(formats.number(values.get(fy, float('nan'))), kinds.get(fy)) if fy in values else "no figure",
                         "Change as reported": _marked(_pct(yoy.Comparison.change((values.get(fy), values.get(previous_fy)))),
                                                       both),
                         "Change like for like": "—", "Against target": "—", "UK change": "—",
                         "Source": prov.short(both)})
            room.append({**rows[-1], "_provenance": both})
    table = pd.DataFrame(rows)
    section.tables.append(Table("Headline figures", table))
    # On the projector the UK change (one figure) is in the sentence above, and the source is its marker.
    # Each figure carries its own mark there, so the Source column goes too (the title says what marks mean).
    room = pd.DataFrame(room, columns=[*table.columns, "_provenance"]).drop(columns=["UK change", "Source"])
    section.room_tables.append(Table("Headline figures (✓ published, ◐ part modelled, ◆ modelled)",
                                room.drop(columns=["_provenance"]).rename(
                                    columns={"Change as reported": "Change", "Change like for like": "Like for like"})))
    visits = catalogue.measure("visits")
    service_visits = table[(table["Scope"] == catalogue.WHOLE_SERVICE) & (table["Measure"] == visits.label)]
    if len(service_visits):
        r = service_visits.iloc[0]
        uk = r["UK change"] + (" (the UK figure for a year between published ones is interpolated)"
                               if prov.is_modelled(uk_provenance) else "")
        section.sentences.append(
            f"The service recorded {r[fy]} visits in {fy}: {r['Change as reported']} on {previous_fy} as reported, "
            f"{r['Change like for like']} like for like (branches open in both years), against a UK change of "
            f"{uk}.")
    section.sentences.extend(caveats)
    section.notes.extend(caveats)
    if any(prov.is_modelled(p) for p in room["_provenance"] if p is not None) or caveats:
        legend = "In the tables, ◐ marks a figure with a modelled part and ◆ a modelled one; a figure without a mark is published."
        section.sentences.append(legend)
        section.notes.append(legend)
    title = f"{visits.label} month by month, {fy} against {previous_fy}: whole service"
    key_number = section.sentences[0] if section.sentences else month_by_month.chart.summary
    section.charts.append(Chart("summary_visits", charts.fy_overlay(month_by_month.monthly, fy, previous_fy, visits.label,
                                                                    visits.unit, title),
                                key_number, month_by_month.chart.table))
    return section, numbers


def what_happened(fy: str, events: pd.DataFrame, estimates: list) -> Section:
    """The year's events, and the before-and-after figures for each change at a branch or borough.

    events: the year's (events_in_year); estimates: the Priorities page's estimate of visits for each, in order
    (a priorities.Estimate, or the Refusal that says why there is none).
    """
    section = Section("what_happened", SECTIONS["what_happened"])
    if events.empty:
        section.sentences.append(f"No events are recorded for {fy}.")
        return section
    section.tables.append(Table(f"Events of {fy}", overview.events_table(events)))
    for event, result in zip(events.itertuples(), estimates):
        if isinstance(result, priorities.Refusal):
            section.sentences.append(result.sentence())
        else:
            when = (" Only the year of this event is known: the comparison starts from the month it is drawn at."
                    if event.date_precision == "year" else "")
            section.sentences.append(f"{event.title}: {result.sentence()}{when}")
    return section


def performance(run: Run, fy: str, previous_fy: str, comparison: yoy.Comparison | None,
                ranked: tuple[pd.DataFrame, pd.DataFrame | None] | None) -> Section:
    """The biggest movers up and down, like for like, with the reason the events table gives.

    comparison: the whole service's visits like for like (the Year on year page's summary); ranked: that
    page's Branches ranking for it and its movers (content/year_on_year.ranking).
    """
    section = Section("performance", SECTIONS["performance"])
    measure = _measures(run)["visits"]
    if comparison is None or ranked is None:
        return section
    ranking, movers = ranked
    table = ranking[ranking["Branch"].isin(comparison.included)].dropna(subset=["Change (%)"])
    events = run("events_all", borough=None)
    reasons = {}
    for e in events.itertuples():
        if isinstance(e.branch, str) and fiscal.fy_of(pd.Timestamp(e.event_date).date()) in (fy, previous_fy):
            reasons.setdefault(e.branch, []).append(e.title)
    table["Reason on record"] = [", ".join(reasons.get(b, [])) or "none recorded" for b in table["Branch"]]
    ranked = table.sort_values("Change (%)", ascending=False)
    shown = pd.concat([ranked.head(3), ranked.tail(3)]).drop_duplicates("Branch")
    shown = shown[["Branch", "Borough", fy, previous_fy, "Change (%)", "Reason on record", "Source"]].copy()
    shown[fy] = shown[fy].map(formats.number)
    shown[previous_fy] = shown[previous_fy].map(formats.number)
    shown["Change (%)"] = shown["Change (%)"].map(lambda v: formats.number(v, 1, sign=True) + "%")
    shown["Source"] = [prov.short(prov.parse(_KIND_OF_LABEL.get(s, s))) for s in shown["Source"]]
    section.tables.append(Table("The three biggest rises and falls in visits, like for like", shown))
    # On a projector the source is the change's own mark (the table's title says what the marks mean).
    room = shown.drop(columns=["Source"]).assign(**{"Change (%)": [
        _marked(c, _KIND_OF_LABEL.get(k, k)) for c, k in zip(shown["Change (%)"], ranked_sources(shown, table))]})
    section.room_tables.append(Table("The three biggest rises and falls in visits, like for like (◐ part modelled, "
                                "◆ modelled)", room))
    if len(ranked):
        top, bottom = ranked.iloc[0], ranked.iloc[-1]

        def change(row):      # the mark before the figure: a mark glued to punctuation breaks in the PDF's text
            mark = prov.marker(_KIND_OF_LABEL.get(row["Source"], row["Source"]))
            return ("" if mark in ("", "✓") else mark + " ") + f"{formats.number(row['Change (%)'], 1, sign=True)}%"
        section.sentences.append(
            f"Biggest rise: {top['Branch']}, {change(top)} (reason on record: {top['Reason on record']}). "
            f"Biggest fall: {bottom['Branch']}, {change(bottom)} (reason on record: {bottom['Reason on record']}).")
    if len(comparison.excluded) and not comparison.included:
        section.sentences.append(f"No branch can be compared like for like: {previous_fy} has no figures to set "
                                 f"{fy} against.")
    elif len(comparison.excluded):
        left_out = "Left out of the like-for-like comparison: " + "; ".join(
            f"{r['Branch']} ({r['Why it is left out']})" for _, r in comparison.excluded.iterrows())
        section.sentences.append(left_out)
        if len(left_out) > 400:          # the branches' notes run long: a projector leaves them to the speaker
            section.notes.append(left_out)
    if movers is not None and not movers.empty:
        movers = movers.head(12)          # the twelve that moved most, for one screen
        section.charts.append(Chart("performance_drivers",
                               charts.diverging_bars(movers, yoy.drivers_title(movers, measure, previous_fy), "visits"),
                               yoy.drivers_summary(movers, measure, previous_fy), movers))
    return section


def next_year(run: Run, fy: str, monthly: pd.DataFrame) -> Section:
    """The targets set for the coming year and where the year in progress is heading.

    monthly: the visits the Overview charts month by month for the whole service, fy and the year before it.
    """
    upcoming = fiscal.next_fy(fy)
    section = Section("next_year", SECTIONS["next_year"])
    targets = []
    for metric in TARGET_CODES:
        measure = catalogue.measure(metric)
        for scope in catalogue.STORED_SCOPES:
            rows = run("targets_for", metric=metric, scope=scope)
            rows = rows[rows["fy"] == upcoming]
            if len(rows):
                value = float(rows.iloc[0]["value"])
                targets.append({"Measure": measure.label, "Scope": scope,
                                "Target": formats.value(value, measure.format, digits=0),      # whole per cents
                                "Set by": str(rows.iloc[0]["note"] or ""),
                                "Source": prov.short(rows.iloc[0]["provenance"])})
    table = pd.DataFrame(targets, columns=["Measure", "Scope", "Target", "Set by", "Source"])
    section.tables.append(Table(f"Targets for {upcoming}", table))
    if len(table):
        # On the projector: one row per measure, a column per scope, and how each measure's targets were set.
        room = table.pivot(index="Measure", columns="Scope", values="Target").reindex(
            index=list(dict.fromkeys(table["Measure"])), columns=[c for c in catalogue.STORED_SCOPES
                                                                  if c in set(table["Scope"])]).fillna("—")
        room["Set by"] = [" / ".join(dict.fromkeys(table.loc[table["Measure"] == m, "Set by"])) for m in room.index]
        section.room_tables.append(Table(f"Targets for {upcoming}", room.reset_index().rename_axis(columns=None)))
    # The board meets in June: of the year ahead it knows the plan, and can project it from the year just
    # ended. That is a projection, labelled so, never the year's actual figures (the appraisal is as of then).
    previous = fiscal.previous_fy(fy)
    totals = monthly.groupby("fy")["value"].agg(["sum", "count"])
    if fy in totals.index and previous in totals.index and totals.at[fy, "count"] == totals.at[previous, "count"]:
        change = totals.at[fy, "sum"] / totals.at[previous, "sum"] - 1
        section.sentences.append(
            f"Projection for {upcoming}, not a forecast: if visits change as they did in {fy} ({formats.percent(change, 1, sign=True)} "
            f"on {previous}), {upcoming} would see about {formats.number(totals.at[fy, 'sum'] * (1 + change))} visits. It uses "
            f"figures up to March {fiscal.fy_start_year(fy) + 1} only, as the board had them.")
    else:
        section.sentences.append(f"There are not two comparable years up to {fy} to project {upcoming} from.")
    return section


# What the board knew in June after the year: everything up to its end. Targets and commentary are the plan
# and the head of service's words, set for the year ahead, so they are read whole.
PLANS = {"targets_for", "targets_in_year", "commentary_for_year"}


def known_by(run: Run, fy: str) -> Run:
    """run, with every figure after the end of fy left out: an appraisal of a year uses only what was known by
    then (rows with a later financial year, month or event date are dropped from every query but the plans)."""
    first_after = pd.Timestamp(fiscal.fy_start_year(fy) + 1, 4, 1)

    def run_as_of(name: str, **params) -> pd.DataFrame:
        frame = run(name, **params)
        if name in PLANS or frame.empty:
            return frame
        keep = pd.Series(True, index=frame.index)
        if "fy" in frame.columns:
            keep &= frame["fy"].astype(str) <= fy
        for column in ("month", "event_date"):
            if column in frame.columns:
                keep &= pd.to_datetime(frame[column]) < first_after
        return frame if keep.all() else frame[keep].reset_index(drop=True)
    return run_as_of


COMMENTARY_LIMIT = 5000


def save_commentary(database, fy: str, section: str, body: str, actor) -> None:
    """Store the head of service's commentary on one section of one year (kept as plain text), audited.

    actor (libstats.auth.Actor) is who asks; only the head of service may, checked inside the transaction.
    """
    from libstats import auth
    if section not in SECTIONS:
        raise ValueError(f"{section!r} is not a section of the appraisal")
    body = body.strip()
    if len(body) > COMMENTARY_LIMIT:
        raise ValueError(f"The commentary is {formats.number(len(body))} characters long; keep it under {formats.number(COMMENTARY_LIMIT)}.")
    with database.transaction() as tx:
        identity = auth.identify(tx, actor)
        auth.authorise(identity, "commentary")
        tx.run("delete_commentary", fy=fy, section=section)
        tx.run("insert_commentary", fy=fy, section=section, body=body, author=identity.name)
        auth.audit(tx, identity.name, "commentary",
                   f"{fy}, {SECTIONS[section]}: {formats.number(len(body))} characters" + (" (emptied)" if not body else ""),
                   getattr(actor, "address", None))


# The measures with targets, and the targets editor's names for them (a share is entered as a percentage).
TARGET_CODES = ("visits", "book_issues", "active_borrowers", "pc_utilisation")
TARGET_METRICS = {catalogue.measure(code).label + (" (%)" if catalogue.measure(code).format == "percent" else ""): code
                  for code in TARGET_CODES}


def save_targets(database, fy: str, targets: pd.DataFrame, actor) -> int:
    """Replace the targets of one year with the edited table (Measure, Scope, Target); returns rows saved.

    actor (libstats.auth.Actor) is who asks; only the head of service may, checked inside the transaction.
    """
    from libstats import auth
    rows = []
    for i, row in enumerate(targets.itertuples(index=False), start=1):
        measure, scope, value = row
        if measure not in TARGET_METRICS:
            raise ValueError(f"Row {i}: {measure!r} is not a measure with a target ({', '.join(TARGET_METRICS)}).")
        if scope not in catalogue.STORED_SCOPES:
            raise ValueError(f"Row {i}: the scope must be Service, Bexley or Bromley, not {scope!r}.")
        if value is None or pd.isna(value) or float(value) < 0:
            raise ValueError(f"Row {i}: the target for {measure}, {scope} must be a number of at least 0.")
        metric = TARGET_METRICS[measure]
        stored = float(value) / 100 if metric == "pc_utilisation" else float(value)
        rows.append({"metric": metric, "scope": scope, "fy": fy, "value": stored})
    keys = [(r["metric"], r["scope"]) for r in rows]
    if len(keys) != len(set(keys)):
        raise ValueError("A measure and scope appear twice: keep one target each.")
    # The year's targets are replaced whole: the seed's illustrative ones for it stop showing.
    with database.transaction() as tx:
        identity = auth.identify(tx, actor)
        auth.authorise(identity, "targets")
        tx.run("clear_year_targets", fy=fy)
        tx.run("clear_target_year", fy=fy)
        tx.run("insert_target_year", fy=fy, author=identity.name)
        for r in rows:
            tx.run("insert_target", **r, note=f"Set by {identity.name}")
        auth.audit(tx, identity.name, "targets", f"{fy}: {len(rows)} targets set: " + "; ".join(
            f"{r['metric']} {r['scope']} {formats.compact(r['value'], 6)}" for r in rows), getattr(actor, "address", None))
    return len(rows)


def editable_targets(run: Run, fy: str) -> pd.DataFrame:
    """The targets of a year as the head of service edits them: Measure, Scope, Target."""
    names = {v: k for k, v in TARGET_METRICS.items()}
    rows = run("targets_in_year", fy=fy)
    return pd.DataFrame({
        "Measure": [names.get(m, m) for m in rows["metric"]],
        "Scope": rows["scope"],
        "Target": [v * 100 if m == "pc_utilisation" else v for m, v in zip(rows["metric"], rows["value"])],
    })
