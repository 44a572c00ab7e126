"""The PLOVER lexicon and the quad-class model: structure, scale, and plain-Python inference."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from flashpoint import errors
from flashpoint.analyzers.events import classifier as clf
from flashpoint.analyzers.events import plover

QUADS = {
    "verbal_cooperation": {"AGREE", "CONSULT", "SUPPORT", "CONCEDE"},
    "material_cooperation": {"COOPERATE", "AID", "RETREAT", "INVESTIGATE"},
    "verbal_conflict": {"DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "SANCTION"},
    "material_conflict": {"PROTEST", "CRIME", "MOBILIZE", "COERCE", "ASSAULT"},
}


def _raw() -> dict[str, Any]:
    text = resources.files("flashpoint").joinpath("data/events/plover.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_events_lexicon_has_the_18_plover_categories_in_their_quads() -> None:
    lex = plover.load()
    assert set(lex.categories) == set(plover.CATEGORIES)
    assert len(plover.CATEGORIES) == 18
    for quad, names in QUADS.items():
        assert {n for n, c in lex.categories.items() if c.quad == quad} == names


def test_events_lexicon_intensities_follow_the_goldstein_sign() -> None:
    lex = plover.load()
    for entry in (*lex.verbs.values(), *lex.nouns.values(), *lex.combos.values()):
        assert -10.0 <= entry.intensity <= 10.0
    for name, cat in lex.categories.items():
        if cat.quad.endswith("conflict"):
            assert cat.intensity < 0, name
        elif name != "INVESTIGATE":  # CAMEO 09 weighs -2 although PLOVER files it as cooperation
            assert cat.intensity > 0, name


def test_events_lexicon_every_category_has_triggers() -> None:
    lex = plover.load()
    used = {e.category for e in (*lex.verbs.values(), *lex.nouns.values(), *lex.combos.values())}
    assert used == set(plover.CATEGORIES)


def test_events_lexicon_rejects_a_trigger_listed_twice() -> None:
    data = _raw()
    data["categories"]["ASSAULT"]["verbs"]["praise"] = None  # also under SUPPORT
    with pytest.raises(errors.LexiconError, match="praise"):
        plover.parse(data)


def test_events_lexicon_rejects_an_unknown_category() -> None:
    data = _raw()
    data["categories"]["GOSSIP"] = dict(data["categories"]["AGREE"])
    with pytest.raises(errors.LexiconError, match="GOSSIP"):
        plover.parse(data)


@pytest.mark.parametrize(("lemma", "forms"), [
    ("attack", {"attack", "attacks", "attacked", "attacking"}),
    ("seize", {"seizes", "seized", "seizing"}),
    ("ban", {"banned", "banning", "bans"}),
    ("deny", {"denies", "denied"}),
    ("strike", {"struck", "strikes"}),
])
def test_events_inflections(lemma: str, forms: set[str]) -> None:
    assert forms <= clf.inflections(lemma)


@pytest.mark.parametrize(("text", "cues"), [
    ("Gunmen ambushed a convoy.", {"plovq_material_conflict", "plovc_assault"}),
    ("The two ministers met on Tuesday.", {"plovq_verbal_cooperation", "plovc_consult"}),
    ("Rain fell over the capital.", set()),
])
def test_events_cue_words(text: str, cues: set[str]) -> None:
    assert set(clf.cue_words(text)) == cues


@pytest.mark.parametrize(("text", "label"), [
    ("Militants killed twelve soldiers in an ambush near the border on Sunday.", 4),
    ("The foreign ministers of both countries met in Vienna to discuss trade.", 1),
    ("The opposition leader condemned the government's decision and accused it of lying.", 3),
])
def test_events_penta_model_predicts_clear_cases(text: str, label: int) -> None:
    model = clf.load_model()
    probs = model.probabilities(text)
    assert abs(sum(probs.values()) - 1.0) < 1e-9
    assert model.predict(text) == label
