"""The one provenance rule: a derived figure carries its weakest input, worded the same everywhere."""
from libstats import provenance as prov


def test_a_derived_figure_keeps_every_input():
    # a ratio of a published count and a modelled population is not published
    assert prov.combine({"published"}, "modelled") == {"published", "modelled"}
    assert prov.combine("published,split", None, {"imported"}) == {"published", "split", "imported"}
    assert not prov.is_published(prov.combine({"published"}, {"split"}))
    assert prov.is_modelled("published,split") and prov.is_modelled({"modelled"})
    assert not prov.is_modelled({"published", "imported"})


def test_words_name_the_weakest_part():
    assert prov.words({"published"}) == "published (CIPFA return)"
    assert prov.words({"modelled", "published"}) == "part modelled (published and modelled)"
    assert prov.words({"split"}) == "a published total, its split by branch and month modelled"
    assert prov.words("published,split") == "part modelled (published and modelled split of a published total)"
    assert prov.words(set()) == "no figures"


def test_source_column_labels():
    assert [prov.label(p) for p in ({"published"}, {"split"}, {"published", "modelled"}, {"modelled"},
                                    {"imported"}, {"illustrative"}, set())] == \
        ["published", "part modelled", "part modelled", "modelled", "imported", "illustrative", "—"]


def test_markers_never_rely_on_colour():
    assert prov.marker({"published"}) == "✓"
    assert prov.marker({"split"}) == "◐" and prov.marker({"published", "modelled"}) == "◐"
    assert prov.marker({"modelled"}) == "◆"
    assert prov.badge({"split"}) == "◐ Part modelled"
    assert prov.badge({"published"}) == "✓ Published figure"
    assert prov.marked({"modelled"}) == "◆ modelled estimate"
