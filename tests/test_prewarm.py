"""Content worked out ahead (ui.prewarm): once per process, in the background, and then served from the same
cache as the page's own call, so the first reader of an appraisal year does not wait for it.

Bugs it would catch: a prewarm that computes into a cache the page never reads (the page works it out again),
one that starts a thread on every rerun, one that cannot be switched off, and one whose failure escapes the thread.
"""
from __future__ import annotations

from libstats import ui

MADE: list[tuple] = []


class _Store:
    def data_version(self) -> int:
        return 7


def section(run, fy: str, key: str):
    MADE.append((fy, key))
    if fy == "broken":
        raise ValueError("no figures")
    return (fy, key, len(MADE))


def test_content_worked_out_ahead_is_what_the_page_is_served(monkeypatch):
    monkeypatch.setenv(ui.PREWARM, "1")
    monkeypatch.setattr(ui, "database", lambda: _Store())
    calls = [("2016-17", "summary"), ("broken", "summary"), ("2015-16", "summary")]
    thread = ui.prewarm(section, calls)
    thread.join(timeout=30)
    assert not thread.is_alive() and thread.daemon
    assert MADE == calls, "every call worked out, newest first, and a failure does not stop the rest"
    assert ui.computed(section, "2015-16", "summary") == ("2015-16", "summary", 3)
    assert len(MADE) == 3, "the page's own call found it in the cache"
    assert ui.prewarm(section, calls) is thread, "once per process, not once per rerun"
    assert ui.prewarm(section, calls[::-1]) is thread, "nor once per year a reader opens"


def test_prewarm_can_be_switched_off(monkeypatch):
    monkeypatch.setenv(ui.PREWARM, "0")
    assert ui.prewarm(section, [("2014-15", "summary")]) is None
