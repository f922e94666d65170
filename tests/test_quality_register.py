"""The data-quality register runs its checks in SQL (queries/quality_flags.sql): it must find exactly what the
importer's checks (quality.check: queries/import_checks.sql over a file's figures) find when every stored figure
is checked as if just entered."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from libstats import db, importer, quality
from tests.conftest import account


@pytest.fixture(scope="module")
def seed(seed_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("register") / "library.duckdb"
    shutil.copy(seed_db, path)
    database = db.Database(path)
    yield database
    database.close()


def labels_of(database) -> dict:
    catalogue = database.run("metric_catalogue")
    return dict(zip(catalogue["metric"], catalogue["label"]))


def importer_checks(database, branch=None) -> set[tuple[str, str]]:
    """(key, message) of every warning the importer's checks give for every stored figure."""
    stored = database.run("import_figures", branches=list(database.run("branches")["branch"]),
                          metrics=list(database.run("metric_catalogue")["metric"]))
    if branch:
        stored = stored[stored["branch"] == branch]
    stored = stored.assign(month=pd.to_datetime(stored["month"]))
    figures = stored[quality.KEYS + ["value"]].assign(row=0, column="", changes=True)
    found = quality.check(database, figures, labels_of(database))   # judged against the same stored figures
    return {(w.key, w.message) for w in found if w.check != "yoy" or w.metric in quality.KEY_METRICS}


def register_flags(database, branch=None) -> set[tuple[str, str]]:
    flags = database.run("quality_flags", **quality.flags_parameters(branch))
    labels = labels_of(database)
    return {(quality._flag_key(r), quality.flag_text(r, labels)) for r in flags[flags["state"] == "now"].itertuples()}


@pytest.mark.parametrize("branch", [None, "Crayford", "Central (Bromley)"])
def test_the_sql_checks_find_what_the_importer_finds(seed, branch):
    expected = importer_checks(seed, branch)
    assert expected, "the seed has flagged figures to compare"
    assert register_flags(seed, branch) == expected


def seed_register(database):
    return quality.register(database.run("quality_flags", **quality.flags_parameters(None)), database.run("import_reasons"),
                            database.run("events_all", borough=None), labels_of(database),
                            database.run("branch_hours", branch=None))


def test_a_recorded_change_of_opening_hours_explains_the_jump_it_causes(seed):
    register = seed_register(seed)
    crayford = register[(register["Branch"] == "Crayford") & (register["Month"] >= "2016-04")
                        & (register["Month"] <= "2017-03")]
    pc = crayford[crayford["Measure"].isin(["PC hours available", "PC hours used"])]
    assert len(pc) == 24 and set(pc["Status"]) == {"explained"}, "every month of both, none open"
    may = pc.set_index(["Month", "Measure"]).loc["2016-05"]
    assert may.loc["PC hours available", "What the check found"].startswith(
        "PC hours available for May 2016 is 3,934, 47% more than May 2015 (2,683).")
    assert may.loc["PC hours available", "Reason"] == (
        "Opening hours went from 40 to 49 a week (April 2016): per opening hour, PC hours available rose 20%, within 25%")
    assert may.loc["PC hours used", "Reason"] == (
        "PC hours available rose 47% when opening hours went from 40 to 49 a week (April 2016), and the share of them "
        "used went only from 60% to 62%")
    bexley = register[(register["Borough"] == "Bexley") & (register["Status"] == "open")]
    assert not bexley["Measure"].isin(["PC hours available", "PC hours used"]).any()
    assert len(bexley) < 5, "not 152 open flags for the seed's own modelled figures"


def flag(branch, month, metric, value, reference, last):
    return {"state": "now", "check_name": "yoy", "branch": branch, "borough": "Bexley", "month": pd.Timestamp(month),
            "metric": metric, "value": value, "reference": reference, "other1": pd.Timestamp(last), "other2": pd.NaT,
            "replaced_by": None}


def test_a_jump_the_recorded_hours_do_not_explain_stays_open(seed):
    flags = pd.DataFrame([
        flag("Crayford", "2016-05-01", "visits", 20000.0, 10000.0, "2015-05-01"),     # +100% on 22.5% more hours
        flag("Crayford", "2016-06-01", "visits", 7000.0, 10000.0, "2015-06-01"),      # down while hours went up
        flag("Crayford", "2015-06-01", "visits", 13000.0, 10000.0, "2014-06-01"),     # +30% at the same 40 hours
        flag("Crayford", "2016-07-01", "visits", 13000.0, 10000.0, "2015-07-01"),     # +30%: +6% per opening hour
    ])
    empty = pd.DataFrame(columns=["warning_key", "reason", "import_id"])
    events = seed.run("events_all", borough=None)
    register = quality.register(flags, empty, events, labels_of(seed), seed.run("branch_hours", branch=None))
    status = dict(zip(register["Month"], register["Status"]))
    assert status == {"2016-05": "open", "2016-06": "open", "2015-06": "open", "2016-07": "explained"}
    assert set(register["Measure"]) == {"Visits"}, "the measure's name, never its code"
    without_hours = quality.register(flags, empty, events, labels_of(seed))
    assert set(without_hours["Status"]) == {"open"}


def test_the_register_names_measures_never_codes(seed):
    register = seed_register(seed)
    labels = labels_of(seed)
    assert set(register["Measure"]) <= set(labels.values())
    assert not set(register["Measure"]) & set(labels), "no code such as pc_hours_available"


def test_a_corrected_figure_and_a_new_typo_after_an_import(seed):
    flags = seed.run("quality_flags", **quality.flags_parameters(None))
    first = flags[(flags["state"] == "now") & (flags["check_name"] == "yoy")].iloc[0]
    fix = (f"month,branch,metric,value\n{str(first['month'])[:7]},{first['branch']},{first['metric']},"
           f"{int(round(first['reference']))}\n2015-06,Crayford,visits,99999\n").encode()
    parsed = importer.read_file("fix.csv", fix)
    plan = importer.validate(seed, parsed)
    result = importer.apply(seed, plan, {w.key: "checked" for w in plan.warnings}, account(seed, "ann"), "fix.csv",
                            parsed.checksum)
    register = quality.register(seed.run("quality_flags", **quality.flags_parameters(None)), seed.run("import_reasons"),
                                seed.run("events_all", borough=None), labels_of(seed))
    month = str(first["month"])[:7]
    corrected = register[(register["Branch"] == first["branch"]) & (register["Month"] == month)]
    assert list(corrected["Status"]) == ["corrected"]
    assert list(corrected["Reason"]) == [f"Corrected by import {result.import_id}"]
    typo = register[(register["Branch"] == "Crayford") & (register["Month"] == "2015-06")
                    & (register["Check"] == "About ten times the usual figure")]
    assert list(typo["Status"]) == ["explained"] and typo.iloc[0]["Reason"] == f"checked (import {result.import_id})"
    assert register_flags(seed) == importer_checks(seed)


def test_the_reason_dates_the_change_of_hours_and_says_when_the_hours_are_estimates():
    hours = pd.DataFrame({
        "branch": ["Mottingham"] * 3,
        "valid_from": pd.to_datetime(["2010-04-01", "2014-10-01", "2015-04-01"]),
        "valid_to": pd.to_datetime(["2014-09-30", "2015-03-31", None]),
        "weekly_hours": [33.0, 28.5, 28.5], "provenance": ["modelled", "modelled", "published"]})
    flags = pd.DataFrame([flag("Mottingham", "2015-05-01", "visits", 8000.0, 10000.0, "2014-05-01")])
    empty = pd.DataFrame(columns=["warning_key", "reason", "import_id"])
    events = pd.DataFrame(columns=["event_date", "borough", "branch", "branches", "title"])
    register = quality.register(flags, empty, events, {"visits": "Visits"}, hours)
    assert register.iloc[0]["Status"] == "explained"
    assert register.iloc[0]["Reason"] == ("Opening hours went from 33 (estimated) to 28.5 a week (October 2014): per "
                                          "opening hour, Visits fell 7%, within 25%")
