"""Priorities, value for money and peers: the before-and-after estimate on simulated panels whose effect
is known, its refusals, the page on the seed, and numbers checked against hand-computed values."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from libstats import priorities, vfm
from tests.test_pages import chart, table, tiles

MONTHS = pd.date_range("2010-04-01", periods=96, freq="MS")        # as long as the seed
AT = 48
START = MONTHS[AT]                                                 # April 2014: four years either side
BRANCHES = [f"Library {chr(65 + i)}" for i in range(15)]


def event(**fields):
    """An events-table row: an opening at Library A in April 2014 unless told otherwise."""
    row = dict(event_id=1, event_date=START.date(), date_precision="month", borough="Testshire",
               branch="Library A", title="Library A reopens", description="", provenance="published",
               kind="opening", branches=None, priority=None, modelled_effect=None, modelled_first_effect=None,
               modelled_first_months=None, modelled_metrics=None)
    row.update(fields)
    return SimpleNamespace(**row)


def events_of(*rows) -> pd.DataFrame:
    return pd.DataFrame([vars(r) for r in rows])


def simulated_panels(effect: float, n: int, seed: int) -> np.ndarray:
    """n panels (n x months x branches) of monthly visits: library sizes, a shared season and trend, 3.5%
    noise, and `effect` at Library A from START on. One draw of the random generator for all of them."""
    rng = np.random.default_rng(seed)
    size = rng.uniform(np.log(2000), np.log(12000), (n, 1, len(BRANCHES)))
    season = 0.08 * np.sin(2 * np.pi * np.arange(len(MONTHS)) / 12)[None, :, None]
    trend = -0.004 * np.arange(len(MONTHS))[None, :, None] + rng.normal(0, 0.02, (n, len(MONTHS), 1))
    noise = rng.normal(0, 0.035, (n, len(MONTHS), len(BRANCHES)))
    logs = size + season + trend + noise
    logs[:, AT:, 0] += np.log1p(effect)
    return np.exp(logs)


def panel_frame(values: np.ndarray, provenance: str = "imported") -> pd.DataFrame:
    """One simulated panel in the shape of the monthly_by_branch query."""
    months, branches = np.meshgrid(np.arange(len(MONTHS)), np.arange(len(BRANCHES)), indexing="ij")
    frame = pd.DataFrame({"branch": np.array(BRANCHES)[branches.ravel()], "borough": "Testshire",
                          "month": MONTHS[months.ravel()], "value": values.ravel(), "provenance": provenance})
    return frame.dropna(subset=["value"])


def estimates(effect: float, n: int = 100, seed: int = 1) -> list[priorities.Estimate]:
    ev = event()
    return [priorities.estimate(ev, panel_frame(p), events_of(ev), "Visits", "visits")
            for p in simulated_panels(effect, n, seed)]


def test_a_known_effect_is_inside_its_range_in_at_least_90_of_100_simulations():
    results = estimates(0.20)
    assert all(isinstance(r, priorities.Estimate) for r in results)
    covered = sum(r.low <= 0.20 <= r.high for r in results)
    assert covered >= 90, f"the range held the true +20% in {covered} of 100 simulations"
    assert all(r.verdict == "rise" for r in results)
    assert abs(np.median([r.effect for r in results]) - 0.20) < 0.01
    assert results[0].placebos == results[0].space_placebos + results[0].time_placebos >= 25


def test_no_effect_is_called_no_clear_change():
    results = estimates(0.0, n=50, seed=2)
    calls = [r.verdict for r in results]
    assert calls.count("no clear change") >= 43, "a change is called clear about 1 time in 10 by chance"
    quiet = next(r for r in results if r.verdict == "no clear change")
    assert quiet.result_sentence().startswith("Visits at Library A: no clear change (")
    assert "placebo estimates were as large, so this is within what chance alone gives." in quiet.result_sentence()
    assert sum(r.low <= 0 <= r.high for r in results) >= 45


def test_a_fall_has_the_right_sign():
    results = estimates(-0.15, n=20, seed=3)
    assert all(r.effect < 0 and r.high < 0 and r.verdict == "fall" for r in results)
    assert results[0].result_sentence().startswith("Visits at Library A: a clear fall of -1")


def test_closed_months_are_dropped_and_named():
    values = simulated_panels(0.3, 1, seed=4)[0]
    values[AT - 4:AT, 0] = np.nan                                # closed December 2013 to March 2014
    ev = event()
    result = priorities.estimate(ev, panel_frame(values), events_of(ev), "Visits", "visits")
    assert (result.months_before, result.months_after) == (8, 12)
    assert result.dropped == ("December 2013 – March 2014",)
    assert "Library A had no figures in December 2013 – March 2014, so those months are left out: 8 months " \
           "before and 12 after were compared." in result.method()
    assert f"{result.placebos} placebos in all" in result.method()
    assert result.low <= 0.3 <= result.high


def refused(ev, values=None, *others) -> priorities.Refusal:
    values = simulated_panels(0.0, 1, seed=5)[0] if values is None else values
    result = priorities.estimate(ev, panel_frame(values), events_of(ev, *others), "Visits", "visits")
    assert isinstance(result, priorities.Refusal), result
    return result


def test_a_closure_is_refused_and_points_to_the_reopening():
    closure = event(event_id=1, kind="closure", title="Old Library A closes", event_date=MONTHS[AT - 6].date())
    result = refused(closure, None, event(event_id=2))
    assert result.sentence() == (
        "No before-and-after estimate for “Old Library A closes”: It is a closure: a library has no figures while "
        "it is shut, so there is no 'after' to measure; its reopening (“Library A reopens”, April 2014) is "
        "analysed as an event of its own.")


def test_a_change_of_scope_is_refused():
    scope = event(kind="scope", branch=None, branches="Library B;Library C", title="Two libraries leave the return")
    assert "what changed is which libraries are counted, not how much they are used" in refused(scope).sentence()


def test_a_borough_wide_event_is_refused():
    policy = event(kind="policy", branch=None, title="Hours cut everywhere")
    assert refused(policy).reasons == (
        "It covered every library in Testshire, so no library was left untouched to compare with.",)
    service = event(kind="service", branch=None, borough="Both boroughs", title="Shared service starts")
    assert "both boroughs' libraries" in refused(service).sentence()


def test_a_merger_is_refused_as_displacement():
    merger = event(kind="merger", title="Library B merges into Library A")
    assert "a merger partner is not a control" in refused(merger).sentence()


def test_too_few_months_or_controls_are_refused():
    late = event(event_date=MONTHS[-5].date())
    assert "a full 12 months after are needed" in refused(late).sentence()
    thin = simulated_panels(0.0, 1, seed=6)[0]
    thin[AT - 6:, 4:] = np.nan                                       # only three other libraries keep reporting
    assert "Only 3 other libraries in Testshire have figures in all 24 months" in refused(event(), thin).sentence()
    closed = simulated_panels(0.0, 1, seed=7)[0]
    closed[AT - 9:AT, 0] = np.nan
    assert "Library A has figures for only 3 of the 12 months before and 12 after (6 on each side are needed)." \
        in refused(event(), closed).reasons


def test_modelled_windows_and_the_seed_setting_lead_the_sentence():
    values = simulated_panels(0.12, 1, seed=8)[0]
    frame = panel_frame(values, provenance="modelled")
    frame.loc[frame["month"] < START, "provenance"] = "published"
    ev = event(modelled_effect=1.12)
    result = priorities.estimate(ev, frame, events_of(ev), "Visits", "visits")
    assert result.sentence().startswith(
        "The year after is all modelled estimates, and on the seed this effect is set by the generator's model, "
        "not measured: it sets visits at Library A ×1.12 from April 2014 (about +12% over the year after)")
    loans_only = event(modelled_first_effect=0.93, modelled_first_months=1, modelled_metrics="loans")
    assert priorities.seed_effect(loans_only, "visits") == 0.0
    assert round(priorities.seed_effect(event(modelled_effect=1.45, modelled_first_effect=1.6,
                                              modelled_first_months=2), "visits"), 3) == 0.474
    imported = priorities.estimate(ev, panel_frame(values), events_of(ev), "Visits", "visits")
    assert imported.sentence().startswith("Visits at Library A: a clear rise"), "real counts: no seed note"


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
    assert chart(at, 0)["layout"]["title"]["text"].startswith(
        "External funding secured by each borough")
    at.session_state["priorities_tab"] = "The shared service"
    at.run()
    assert any("against all UK library visits" in m.value for m in at.markdown)
    assert "Saving as % of net expenditure" in at.table[0].value.columns
    at.session_state["priorities_tab"] = "Any event"
    at.run()
    assert not at.exception
    assert at.selectbox(key="any_event").value is not None
    assert [m.label for m in at.metric][-1] == "Placebos as large" or any(i.value for i in at.info)


def test_crayford_and_central_on_the_seed_say_the_seed_sets_their_effect(seed_db, make_app):
    at = make_app(seed_db)
    at.switch_page("pages/priorities.py").run()
    assert not at.exception and not at.error
    said = [m.value for m in at.markdown]
    first = next(s for s in said if "Crayford" in s)
    assert first.startswith("These figures are modelled estimates, not counts, and on the seed this effect is set by "
                            "the generator's model, not measured: it sets visits at Crayford ×1.60 for its first 2 "
                            "months, then ×1.45 (about +47% over the year after)")
    assert "Visits at Crayford: a clear rise of +4" in first
    shown = tiles(at)
    effect = float(shown["Estimated effect"][0].rstrip("%"))
    low, high = (float(v.rstrip("%")) for v in shown["Likely range"][0].split(" to "))
    assert low < 47.4 < high and low < effect < high, "the generator's +47% is inside the range"
    assert shown["Placebos as large"][0].endswith("of 45")
    assert chart(at)["layout"]["title"]["text"].startswith("Visits: Crayford against 11 other Bexley libraries")
    assert any(s.startswith("Before November 2012, Crayford and the 11 other Bexley libraries compared moved "
                            "together") for s in said)
    method = next(s for s in said if s.startswith("How this is worked out"))
    assert "Crayford had no figures in July–October 2012, so those months are left out: 8 months before and 12 " \
           "after were compared." in method
    assert "11 times with each comparison library" in method and "45 placebos in all" in method

    at.session_state["priorities_tab"] = "Bromley Central Library"
    at.run()
    said = [m.value for m in at.markdown]
    first = next(s for s in said if "Central (Bromley)" in s)
    # a branch's months in a published year are a modelled split of the borough's total: modelled too
    assert first.startswith("These figures are modelled estimates, not counts, and on the seed this effect is set by "
                            "the generator's model")
    assert "×1.12 from November 2016 (about +12% over the year after)" in first
    low, high = (float(v.rstrip("%")) for v in tiles(at)["Likely range"][0].split(" to "))
    assert low < 12 < high
    assert chart(at)["layout"]["title"]["text"].startswith("Visits: Central (Bromley) against 13 other Bromley")


def test_any_event_offers_only_events_the_method_applies_to(seed_db, make_app):
    at = make_app(seed_db)
    at.switch_page("pages/priorities.py").run()
    at.session_state["priorities_tab"] = "Any event"
    at.run()
    assert not at.exception and not at.error
    offered = at.selectbox(key="any_event").options
    assert len(offered) == 5 and not any("GLL" in o or "closes" in o or "Four Bexley" in o for o in offered)
    assert any("5 of the 17 events can be measured this way" in m.value for m in at.markdown)
    left_out = table(at, "Why it is left out")
    reasons = dict(zip(left_out["Event"].str.split(" · ").str[-1], left_out["Why it is left out"]))
    assert reasons["Old Crayford Library closes"].startswith("It is a closure")
    assert reasons["Four Bexley libraries move to community management"].startswith("Branches left Bexley's return")
    assert reasons["GLL takes over Bromley libraries"].startswith(
        "It covered every library in Bromley, so no library was left untouched to compare with.")
    assert "a merger partner is not a control" in reasons["Anerley merges into the new Penge library"]
    at.selectbox(key="any_event").set_value(11).run()                  # Bexley Village and Slade Green
    assert any("Visits at Bexley Village and Slade Green: a clear fall of -1" in m.value for m in at.markdown)


def test_the_range_and_clear_come_from_ranks_among_the_placebos():
    assert [priorities.bound_rank(n) for n in (20, 45, 79, 119)] == [1, 1, 2, 3]
    assert priorities.placebo_bounds(np.array([0.03, -0.02, 0.01, -0.05, 0.04])) == (-0.05, 0.04)
    result = estimates(0.2, n=1)[0]
    assert result.clear_allows == int(0.1 * (result.placebos + 1)) - 1
    assert f"A change is called clear when no more than {result.clear_allows} of the {result.placebos} placebos" \
        in result.method()
