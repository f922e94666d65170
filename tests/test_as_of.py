"""An appraisal of a year uses only what was known by its end: the board meets in June, not later."""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from libstats import appraisal, db, report
from libstats.content import appraisal as content


@pytest.fixture(scope="module")
def year(seed_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("as_of") / "library.duckdb"
    shutil.copy(seed_db, path)
    database = db.Database(path, read_only=True)
    yield content.build(database.run, "2016-17")
    database.close()


def test_no_figure_after_march_2017_is_in_the_2016_17_appraisal(year):
    for section in year.sections:
        for key, _figure, _summary, data in section.charts:
            if "fy" in data.columns:
                assert data["fy"].astype(str).max() <= "2016-17", key
            if "month" in data.columns:
                assert pd.to_datetime(data["month"]).max() < pd.Timestamp("2017-04-01"), key
    words = " ".join(s for section in year.sections for s in section.sentences)
    assert "is complete" not in words and "2,112,630" not in words, "2017-18's actual visits are not known in June 2017"


def test_next_year_is_a_labelled_projection_from_the_years_before(year):
    sentences = year.sections[-1].sentences
    assert len(sentences) == 1
    assert re.fullmatch(r"Projection for 2017-18, not a forecast: if visits change as they did in 2016-17 "
                        r"\(-\d+\.\d% on 2015-16\), 2017-18 would see about [\d,]+ visits\. It uses figures up to "
                        r"March 2017 only, as the board had them\.", sentences[0]), sentences[0]


def test_the_pack_follows_the_same_rule(year):
    text = re.sub(r"<[^>]+>", "", report.build_html(year))     # the pack wraps numbers to keep them whole
    assert "2017-18 is complete" not in text
    assert "Projection for 2017-18, not a forecast" in text


def test_the_plan_for_the_year_ahead_is_still_shown(year):
    names = [name for section in year.sections for name, _ in section.tables]
    assert "Targets for 2017-18" in names
    targets = dict(next(t for s in year.sections for n, t in s.tables if n == "Targets for 2017-18").iterrows())
    assert targets, "the seed's targets for the year ahead are part of the plan the board sees"


def test_the_savings_name_both_sourced_end_dates(year):
    vfm = next(s for s in year.sections if s.key == "value_for_money")
    said = " ".join(vfm.sentences)
    assert "to 31 December 2017 by the gov.uk case study" in said
    assert "Bexley's 2016-17 CIPFA return says it ended on 31 March 2017" in said


@pytest.mark.parametrize("key", list(appraisal.SECTIONS))
def test_one_section_is_what_the_whole_appraisal_says(seed_db, year, key):
    """The page computes one section at a time; it must say what the pack (every section) says."""
    database = db.Database(seed_db, read_only=True)
    try:
        alone = content.section(database.run, "2016-17", key)
    finally:
        database.close()
    whole = next(s for s in year.sections if s.key == key)
    assert (alone.title, alone.sentences) == (whole.title, whole.sentences)
    assert [(n, t.to_dict("records")) for n, t in alone.tables] == [(n, t.to_dict("records")) for n, t in whole.tables]
    assert [(k, s) for k, _, s, _ in alone.charts] == [(k, s) for k, _, s, _ in whole.charts]
