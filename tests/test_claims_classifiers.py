"""The NumPy scorer reproduces scikit-learn, and the committed models load and score."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from flashpoint.analyzers.sentence_scores import classifiers as clf
from flashpoint.train.sentence_scores import fit_tfidf

CORPUS = [
    ("The minister said the talks would resume on Monday.", 1),
    ("Unemployment rose to nine percent in the third quarter.", 1),
    ("The army lost two hundred soldiers in the battle.", 1),
    ("What a disgraceful spectacle this summit was.", 0),
    ("I love how the people of this town welcome strangers.", 0),
    ("Thank you all for coming tonight.", 0),
    ("Exports to China doubled between 2019 and 2023.", 1),
    ("Well, let me tell you something about courage.", 0),
]


@pytest.mark.parametrize(("text", "lo", "hi", "expected"), [
    ("Hi there", 2, 3, [" h", "hi", "i ", " hi", "hi ", " t", "th", "he", "er", "re", "e ",
                        " th", "the", "her", "ere", "re "]),
    ("a", 2, 4, [" a", "a ", " a "]),
])
def test_char_wb_ngrams(text: str, lo: int, hi: int, expected: list[str]) -> None:
    assert clf.char_wb_ngrams(text, lo, hi) == expected


def _reference_score(block: clf.Block, record: clf.TextRecord) -> float:
    """The block's term as scikit-learn's TfidfVectorizer defines it, n-gram by n-gram."""
    dot = square = 0.0
    for gram, count in Counter(block.grams(record)).items():
        if gram in block.vocab:
            j = block.vocab[gram]
            w = (1.0 + math.log(count)) * float(block.idf[j]) if count > 1 else float(block.idf[j])
            dot += w * float(block.coef[j])
            square += w * w
    return dot / math.sqrt(square) if square else 0.0


TEXTS = ["The ministry said the ministry would publish the figures.",
         "Figures, figures, figures: the ministry   said\nnothing.", "", "  ", "Ab"]


def test_blocks_score_as_tfidf_defines_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clf, "WORD_MEMO", 4)  # the word memo starts again several times
    model = clf.load_model("checkworthiness")
    for _ in range(2):  # the second time from the memo
        for text in TEXTS:
            record = clf.TextRecord(text, ("DT", "NN", "VBD"))
            for block in model.blocks:
                assert block.score(record) == pytest.approx(_reference_score(block, record),
                                                            rel=1e-12, abs=1e-15)
    assert all(len(b._word_memo) <= 4 for b in model.blocks if b.kind == "char_wb")


def test_a_record_scores_the_same_alone_and_among_others() -> None:
    model = clf.load_model("checkworthiness")
    records = [clf.TextRecord(t, ("NNP", "VBD", "DT", "NN")) for t in TEXTS]
    together = model.logits(records)
    assert together == [model.logit(r) for r in records]
    assert model.logits(records[::-1]) == together[::-1]
    assert model.logits([]) == []


def test_word_ngrams_drop_one_letter_tokens() -> None:
    assert clf.word_ngrams("A big Deal", 1, 2) == ["big", "deal", "big deal"]


def test_fit_export_matches_sklearn_and_roundtrips(tmp_path: object) -> None:
    from pathlib import Path

    spec = clf.ModelSpec(name="toy", blocks=(("word", 1, 2, 1), ("char_wb", 2, 4, 1),
                                             ("tags", 1, 2, 1)), c=1.0)
    records = [clf.TextRecord(t, tuple(w[:2].upper() for w in t.split())) for t, _ in CORPUS]
    labels = [y for _, y in CORPUS]
    model = fit_tfidf(spec, records, labels)  # raises if NumPy and sklearn disagree
    path = Path(str(tmp_path)) / "toy.npz"
    model.save(path)
    again = clf.LinearTextModel.load(path)
    for r in records:
        assert abs(again.proba(r) - model.proba(r)) < 1e-4
    assert again.uses_tags


@pytest.mark.parametrize("name", ["subjectivity", "checkworthiness"])
def test_committed_models_score_in_range(name: str) -> None:
    model = clf.load_model(name)
    for text in ["", "x" * 10_000, "The parliament in Accra passed the budget by 140 votes."]:
        p = model.proba(clf.TextRecord(text, ("NN",) * 5))
        assert 0.0 <= p <= 1.0


def test_checkworthiness_prefers_factual_claims() -> None:
    model = clf.load_model("checkworthiness")
    factual = clf.TextRecord("Inflation in Turkey reached 85 percent last October.",
                             ("NN", "IN", "NNP", "VBD", "CD", "NN", "JJ", "NNP", "."))
    chatter = clf.TextRecord("Thank you very much, it is good to be here.",
                             ("VB", "PRP", "RB", "RB", ",", "PRP", "VBZ", "JJ", "TO", "VB",
                              "RB", "."))
    assert model.proba(factual) > 0.5 > model.proba(chatter)


def test_subjectivity_prefers_opinion() -> None:
    model = clf.load_model("subjectivity")
    opinion = clf.TextRecord("This shameful betrayal is the worst disgrace of our time!")
    report = clf.TextRecord("The ministry published the figures on Tuesday at 10 a.m.")
    assert model.proba(opinion) > model.proba(report)
