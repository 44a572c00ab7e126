"""The faster rule components and NumPy's matrix products give spaCy's own annotations,
token for token."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from thinc.api import Model

from flashpoint import nlp as backbone
from flashpoint.nlp import rules

pytestmark = pytest.mark.model

TEXTS = [
    "Officials in Kyiv said on Monday that Russian forces had shelled the port of Odesa again.",
    "\"We ain't gonna back down,\" he said. \"Y'all know nothin' changes. Let's go, c'mon!\"",
    "There is a ship, there are two more, and it's gotta stop: they were warned.",
    "The ministers who have been meeting since 2019 weren't told which of these reports is true.",
    "  Spaces   and\n\nblank lines \t matter;  so do tabs . ",
    "Who said what? That which was said; those who said it; each of them, all of them.",
    "",
    "Hello",
    "U.S.-led talks in Geneva ended; the EU's envoy, Josep Borrell, left early.",
]
ATTRS: list[int | str] = [
    "POS", "TAG", "MORPH", "LEMMA", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE", "SENT_START"]


@pytest.fixture(scope="module")
def pipelines() -> tuple[Language, Language]:
    return backbone.load(), backbone.load(faster_rules=False)


def _annotations(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, str(t.head.i))
            for t in doc]


def test_the_faster_components_replace_spacys_under_the_same_names(
        pipelines: tuple[Language, Language]) -> None:
    fast, original = pipelines
    assert fast.pipe_names == original.pipe_names
    assert isinstance(fast.get_pipe("attribute_ruler"), rules.IndexedAttributeRuler)
    assert isinstance(fast.get_pipe("lemmatizer"), rules.MemoLemmatizer)
    assert not isinstance(original.get_pipe("lemmatizer"), rules.MemoLemmatizer)


@pytest.mark.parametrize("text", TEXTS)
def test_annotations_equal_spacys_own_components(pipelines: tuple[Language, Language],
                                                 text: str) -> None:
    fast, original = pipelines
    for _ in range(2):  # the second time from the memos
        a, b = fast(text), original(text)
        assert _annotations(a) == _annotations(b)
        assert (a.to_array(ATTRS) == b.to_array(ATTRS)).all()


def test_the_statistical_components_multiply_with_numpy(
        pipelines: tuple[Language, Language]) -> None:
    fast, original = pipelines  # annotations equal: test_annotations_equal_spacys_own_components
    for nlp, blis in ((fast, False), (original, True)):
        models = [c.model for _, c in nlp.pipeline if isinstance(getattr(c, "model", None), Model)]
        assert len(models) >= 4  # tok2vec, tagger, parser, ner
        assert all(node.ops.use_blis is blis for m in models for node in m.walk())


def test_multi_token_patterns_set_what_spacy_sets(pipelines: tuple[Language, Language]) -> None:
    fast, _ = pipelines
    doc = fast("You're gonna see it. Let's go. Y'all ain't ready.")
    lemmas = {t.text.lower(): t.lemma_ for t in doc}
    assert lemmas["gon"] == "go" and lemmas["na"] == "to"  # a pattern of two tokens, index 1
    assert lemmas["'s"] == "us"


def test_memos_start_again_when_full(pipelines: tuple[Language, Language],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fast, original = pipelines
    monkeypatch.setattr(rules, "MEMO_SIZE", 3)
    text = "Zorblats quixed the flimbering vantrols near Qelmar while snarbs glimmed."  # unseen
    assert _annotations(fast(text)) == _annotations(original(text))
    ruler = fast.get_pipe("attribute_ruler")
    lemmatizer = fast.get_pipe("lemmatizer")
    assert isinstance(ruler, rules.IndexedAttributeRuler)
    assert isinstance(lemmatizer, rules.MemoLemmatizer)
    assert len(ruler._memo) <= 3 and len(lemmatizer._memo) <= 3


def test_a_pattern_it_does_not_index_goes_to_a_matcher_of_its_own() -> None:
    nlp = spacy.load(backbone.MODEL_PACKAGE)  # its own copy: patterns are added below
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, AttributeRuler)
    # a pattern with an operator and one with a length test: neither is indexed here
    ruler.add([[{"LOWER": "very", "OP": "+"}, {"LOWER": "good"}]], {"LEMMA": "fine"}, index=-1)
    ruler.add([[{"LENGTH": 7, "TAG": "NNP"}]], {"LEMMA": "seven"})
    fast = rules.IndexedAttributeRuler(ruler)
    assert len(fast._fallback) == 2
    text = "It was very very good, said Borrell in Brussels."
    skip = ["attribute_ruler", "lemmatizer", "ner"]
    a, b = nlp(text, disable=skip), nlp(text, disable=skip)
    fast(a)
    ruler(b)
    assert _annotations(a) == _annotations(b)
    assert [t.lemma_ for t in a if t.text in ("good", "Borrell")] == ["fine", "seven"]


def test_an_index_outside_the_match_raises_as_spacy_does() -> None:
    nlp = spacy.load(backbone.MODEL_PACKAGE)
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, AttributeRuler)
    ruler.add([[{"LOWER": "borrell"}]], {"LEMMA": "x"}, index=1)
    fast = rules.IndexedAttributeRuler(ruler)
    skip = ["attribute_ruler", "lemmatizer", "ner"]
    with pytest.raises(ValueError) as original:
        ruler(nlp("Borrell spoke.", disable=skip))
    with pytest.raises(ValueError) as ours:
        fast(nlp("Borrell spoke.", disable=skip))
    assert str(ours.value) == str(original.value)
