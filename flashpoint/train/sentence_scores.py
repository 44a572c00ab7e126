"""Training of the sentence-score models (the ``fit`` halves; scikit-learn is imported here only).

:func:`fit_tfidf` fits a TF-IDF logistic regression and exports it as a
:class:`~flashpoint.analyzers.sentence_scores.classifiers.LinearTextModel`;
:func:`fit_head` fits an encoder head
(:class:`~flashpoint.analyzers.sentence_scores.heads.EncoderHead`). Both check that the
run-time scorer reproduces scikit-learn. Used by ``scripts/train_claims.py`` and the
claims evaluation; the run-time path never imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..analyzers.sentence_scores.classifiers import (
    MAX_CHARS,
    Block,
    BlockKind,
    FloatArray,
    LinearTextModel,
    ModelSpec,
    TextRecord,
    char_wb_ngrams,
    tag_ngrams,
    word_ngrams,
)
from ..analyzers.sentence_scores.heads import (
    F32,
    EncoderHead,
    FittedView,
    HeadSpec,
    View,
    take,
    view_matrix,
)


def _analyzer(kind: BlockKind, min_n: int, max_n: int) -> object:
    def grams(record: TextRecord) -> list[str]:
        if kind == "word":
            return word_ngrams(record.text[:MAX_CHARS], min_n, max_n)
        if kind == "char_wb":
            return char_wb_ngrams(record.text[:MAX_CHARS], min_n, max_n)
        return tag_ngrams(record.tags[: MAX_CHARS // 2], min_n, max_n)

    return grams


def fit_tfidf(spec: ModelSpec, records: Sequence[TextRecord], labels: Sequence[int],
        seed: int = 0) -> LinearTextModel:
    """Fit ``spec`` with scikit-learn and export it as a :class:`LinearTextModel`."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizers = [
        TfidfVectorizer(analyzer=_analyzer(kind, lo, hi), min_df=min_df, sublinear_tf=True)
        for kind, lo, hi, min_df in spec.blocks
    ]
    matrix = sp.hstack([v.fit_transform(records) for v in vectorizers]).tocsr()
    clf = LogisticRegression(C=spec.c, class_weight=spec.class_weight, max_iter=5000,
                             random_state=seed)
    clf.fit(matrix, np.asarray(labels))
    coef = clf.coef_[0]
    blocks, offset = [], 0
    for v, (kind, lo, hi, _) in zip(vectorizers, spec.blocks, strict=True):
        size = len(v.vocabulary_)
        blocks.append(Block(kind=kind, min_n=lo, max_n=hi,
                            vocab={str(k): int(i) for k, i in v.vocabulary_.items()},
                            idf=np.asarray(v.idf_, dtype=np.float64),
                            coef=np.asarray(coef[offset : offset + size], dtype=np.float64)))
        offset += size
    _check_parity(blocks, float(clf.intercept_[0]), records[:200],
                  clf.predict_proba(matrix[:200])[:, 1])
    meta: dict[str, object] = {"c": spec.c, "class_weight": spec.class_weight,
                               "n_train": len(records), "seed": seed}
    return LinearTextModel(name=spec.name, blocks=tuple(blocks),
                           intercept=float(clf.intercept_[0]), meta=meta)


def _check_parity(blocks: Sequence[Block], intercept: float, records: Sequence[TextRecord],
                  expected: FloatArray) -> None:
    """Raise unless the pure-Python scorer reproduces scikit-learn's probabilities."""
    model = LinearTextModel(name="check", blocks=tuple(blocks), intercept=intercept, meta={})
    got = np.asarray(model.proba_many(records))
    worst = float(np.max(np.abs(got - expected))) if len(records) else 0.0
    if worst > 1e-6:
        raise AssertionError(f"pure-Python scorer differs from scikit-learn by {worst:.2e}")


def fit_view(view: View, pooled: Mapping[tuple[str, int], F32], labels: Sequence[int],
             seed: int = 0) -> FittedView:
    """Standardise, fit a balanced logistic regression, fold the scaling into the weights."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = view_matrix(pooled, view).astype(np.float64)
    scaler = StandardScaler().fit(x)
    clf = LogisticRegression(C=view.c, class_weight="balanced", max_iter=5000,
                             random_state=seed)
    clf.fit(scaler.transform(x), np.asarray(labels))
    scale = np.asarray(scaler.scale_, dtype=np.float64)
    coef = clf.coef_[0] / scale
    intercept = float(clf.intercept_[0] - np.dot(np.asarray(scaler.mean_), coef))
    fitted = FittedView(view=view, coef=coef.astype(np.float32), intercept=intercept)
    head = take(pooled, range(min(200, len(labels))))
    expected = clf.decision_function(scaler.transform(x[:200]))
    worst = float(np.max(np.abs(fitted.logits(head) - expected))) if len(expected) else 0.0
    if worst > 1e-3:
        raise AssertionError(f"folded head differs from scikit-learn by {worst:.2e}")
    return fitted


def fit_head(spec: HeadSpec, pooled: Mapping[tuple[str, int], F32], labels: Sequence[int],
        seed: int = 0) -> EncoderHead:
    """Fit every view of ``spec`` on the same sentences (see :func:`fit_view`)."""
    views = tuple(fit_view(v, pooled, labels, seed) for v in spec.views)
    return EncoderHead(name=spec.name, views=views, tfidf_weight=spec.tfidf_weight,
                       meta={"n_train": len(labels), "seed": seed})
