"""Priorities, value for money and peers: numbers checked against hand-computed values."""
from __future__ import annotations

import json

import pandas as pd

from libstats import priorities, vfm
from tests.test_pages import chart, table, tiles


def months(start, n):
    return pd.date_range(start, periods=n, freq="MS")


def test_uplift_is_the_treated_change_over_the_controls():
    before, after = months("2011-11-01", 12), months("2012-11-01", 12)
    treated = pd.Series([100.0] * 12 + [150.0] * 12, index=before.append(after))
    control = pd.Series([1000.0] * 12 + [900.0] * 12, index=before.append(after))
    result = priorities.difference_in_differences(treated, control, pd.Timestamp("2012-11-01"), "Crayford", "the rest")
    assert result.months_compared == 12
    assert round(result.treated_change, 4) == 0.5
    assert round(result.control_change, 4) == -0.1
    assert round(result.uplift, 4) == round(1.5 / 0.9 - 1, 4)          # +66.7%
    assert round(result.low, 4) == round(result.high, 4) == round(result.uplift, 4), "identical months: no spread"
    assert "difference in differences" in result.method


def test_months_missing_on_either_side_are_left_out_of_both():
    before, after = months("2011-11-01", 12), months("2012-11-01", 12)
    treated = pd.Series([100.0] * 12 + [150.0] * 12, index=before.append(after))
    treated[months("2012-07-01", 4)] = float("nan")                      # closed Jul-Oct 2012
    control = pd.Series([1000.0] * 24, index=before.append(after))
    result = priorities.difference_in_differences(treated, control, pd.Timestamp("2012-11-01"), "Crayford", "the rest")
    assert result.months_compared == 8
    assert round(result.uplift, 4) == 0.5


def test_crayford_uplift_on_the_seed_is_stated_with_its_method(seed_db, make_app):
    at = make_app(seed_db)
    at.switch_page("pages/priorities.py").run()
    assert not at.exception and not at.error
    uplifts = [m.value for m in at.metric if m.label == "Uplift"]    # Crayford's tab is open first, and alone
    assert len(uplifts) == 1
    assert 30 < float(uplifts[0].rstrip("%")) < 60, "the new, bigger Crayford library"
    assert tiles(at)["Crayford: change"][0].startswith("+")
    assert any(c.value.startswith("Likely between +") for c in at.caption)
    assert any("difference in differences" in m.value for m in at.markdown)
    assert any("8 months compared" in m.value for m in at.markdown), "the closure months are left out"
    at.radio(key="crayford_measure").set_value("book_issues").run()
    assert any(m.value.startswith("Book issues at Crayford changed by") for m in at.markdown)
    at.session_state["priorities_tab"] = "Bromley Central Library"
    at.run()
    uplifts = [m.value for m in at.metric if m.label == "Uplift"]
    assert len(uplifts) == 1
    assert 5 < float(uplifts[0].rstrip("%")) < 20, "the Historic Collections at Bromley Central"


def test_value_for_money_on_the_fixture(fixture_db, make_app):
    at = make_app(fixture_db, fy="2015-16", scope="Bexley")
    at.switch_page("pages/value_for_money.py").run()
    assert not at.exception and not at.error
    assert tiles(at) == {
        "Net expenditure": ("£36,000", "+19.0% on 2014-15"),
        "Net cost per visit": ("£2.00", "+11.1% on 2014-15"),
        "Net cost per book issue": ("£5.00", "+11.1% on 2014-15"),
        "Net cost per head": ("£0.18", "+19.0% on 2014-15"),
    }
    years = table(at, "Net cost per visit (£)").set_index("Financial year")
    assert round(years.loc["2014-15", "Net cost per visit (£)"], 2) == 1.80
    assert any("do not add up to a service total" in c.value for c in at.caption)


def test_peer_medians_and_our_place_on_the_fixture(fixture_db, make_app):
    at = make_app(fixture_db)
    at.switch_page("pages/peers.py").run()
    assert not at.exception and not at.error
    sentences = [m.value for m in at.markdown]
    assert ("Visits per 1,000 population: group median 90 across 3 authorities; Bexley 90 (2 of 3, at the median); "
            "Bromley 80 (3 of 3, below the median).") in sentences
    assert ("Net cost per visit: group median £2.00 across 3 authorities; Bexley £2.00 (1 of 3, at the median); "
            "Bromley £2.00 (2 of 3, at the median).") in sentences
    assert any(s.startswith("PC utilisation: group median 30%") for s in sentences)
    bars = chart(at, 0)["data"][0]
    assert list(bars["y"]) == ["◆ Bromley", "◆ Bexley", "Croydon"], "sorted, ours marked with ◆"
    assert [p for p in bars["marker"]["pattern"]["shape"]] == ["/", "/", ""], "ours hatched, not colour alone"


def test_peer_table_works_from_totals():
    peers = pd.DataFrame([("X", "A", m, v) for m, v in
                          (("visits", 100), ("book_issues", 50), ("net_expenditure", 300),
                           ("pc_hours_used", 1), ("pc_hours_available", 4), ("population", 1000))],
                         columns=["flas_code", "authority", "metric", "value"])
    row = vfm.peer_table(peers).iloc[0]
    assert (row["visits_per_1000"], row["issues_per_visit"], row["net_cost_per_visit"], row["pc_utilisation"]) == \
        (100.0, 0.5, 3.0, 0.25)


def test_each_priorities_tab_runs_when_opened(seed_db, make_app):
    at = make_app(seed_db)
    at.switch_page("pages/priorities.py").run()
    assert not any(c.value.startswith("⚠ Modelled: funding") for c in at.caption)      # closed tabs do not run
    at.session_state["priorities_tab"] = "Management system and funding"
    at.run()
    assert any(c.value.startswith("⚠ Modelled: funding") for c in at.caption)
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"].startswith(
        "External funding secured by each borough")
    at.session_state["priorities_tab"] = "The shared service"
    at.run()
    assert any("against all UK library visits" in m.value for m in at.markdown)
    assert "Saving as % of net expenditure" in at.table[0].value.columns
    at.session_state["priorities_tab"] = "Any event"
    at.run()
    assert not at.exception
    assert at.selectbox(key="any_event").value is not None
    assert [m.label for m in at.metric][-1] == "Uplift" or any(i.value for i in at.info)
