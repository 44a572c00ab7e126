"""Sentence scores: subjectivity and check-worthiness from two small linear classifiers.

``subjectivity`` is P(SUBJ) from a TF-IDF (word 1-2 grams + ``char_wb`` 1-4
grams) logistic regression trained on CheckThat! 2025 Task 1 English train;
``checkworthiness`` is P(check-worthy) from word, character and POS-tag n-gram
TF-IDF logistic regression trained on ClaimBuster. Both are scored in plain Python
from weights committed under ``flashpoint/data/claims/`` (see
``scripts/train_claims.py`` and ``docs/claims.md``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from spacy.tokens import Doc

from ..model import Sentence
from ..pipeline import AnalysisInput, Analyzer
from ._classifiers import TextRecord, load_model


def _record(doc: Doc, sentence: Sentence, tags: bool) -> TextRecord:
    if not tags:
        return TextRecord(sentence.span.text)
    span = doc.char_span(sentence.span.start, sentence.span.end, alignment_mode="expand")
    tag_seq = tuple(t.tag_ for t in span if not t.is_space) if span is not None else ()
    return TextRecord(sentence.span.text, tag_seq)


def score_sentences(doc: Doc, sentences: tuple[Sentence, ...]) -> tuple[Sentence, ...]:
    """The sentences with ``subjectivity`` and ``checkworthiness`` filled in (rounded)."""
    subj = load_model("subjectivity")
    check = load_model("checkworthiness")
    out = []
    for s in sentences:
        out.append(dataclasses.replace(
            s,
            subjectivity=round(subj.proba(_record(doc, s, subj.uses_tags)), 4),
            checkworthiness=round(check.proba(_record(doc, s, check.uses_tags)), 4),
        ))
    return tuple(out)


def sentence_scores(inp: AnalysisInput) -> Mapping[str, Any]:
    return {"sentences": score_sentences(inp.doc, inp.article.sentences)}


ANALYZER = Analyzer(
    name="sentence_scores.v1",
    func=sentence_scores,
    produces=("sentences",),
    requires=frozenset({"doc", "sentences"}),
    description="Subjectivity and check-worthiness of every sentence (linear classifiers).",
)
