"""The data-quality register runs its checks in SQL (queries/quality_flags.sql): it must find exactly what the
importer's checks (quality.check, in pandas) find when every stored figure is checked as if just entered."""
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
    found = quality.check(figures, stored.iloc[0:0][quality.KEYS + ["value"]], labels_of(database))
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
