"""Training the technique model from PTC-format data (used by the script and by the CV evaluation).

Deterministic: liblinear and saga are run with fixed ``random_state``; the
feature hashing has no state. Features seen in fewer than ``min_df`` training
rows are dropped, which keeps the saved files small.
"""

from __future__ import annotations

import bisect
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from . import features as F
from .linear import HashedLinear, Rows, hash_blocks, select
from .model import (
    CLASSIFIER_SIZES,
    CLASSIFIER_WEIGHTS,
    EMBEDDING_WEIGHT,
    TAGGER_SIZES,
    TAGGER_WEIGHTS,
    TechniqueModel,
    span_embeddings,
)
from .ptc import Labelled, merge_spans

SEED = 13
TAGGER_C = 0.3
CLASSIFIER_C = 30.0


def _kept_columns(m: sp.csr_matrix, min_df: int) -> npt.NDArray[np.int64]:
    df = np.bincount(m.indices, minlength=m.shape[1])
    return np.flatnonzero(df >= min_df).astype(np.int64)


def _idf(m: sp.csr_matrix, columns: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    df = np.bincount(m.indices, minlength=m.shape[1])[columns]
    n = m.shape[0]
    out: npt.NDArray[np.float64] = np.log((1 + n) / (1 + df)) + 1.0
    return out


def tagger_data(
    texts: Mapping[str, str], gold: Mapping[str, Sequence[tuple[int, int]]]
) -> tuple[list[list[str]], list[list[str]], npt.NDArray[np.int64]]:
    """Token feature rows (local, context) and 0/1 labels: inside a gold span or not."""
    local: list[list[str]] = []
    context: list[list[str]] = []
    labels: list[int] = []
    for art, text in texts.items():
        rows = F.token_rows(text, F.line_segments(text))
        spans = merge_spans(gold.get(art, ()))
        starts = [s for s, _ in spans]
        for tok in rows.tokens:
            k = bisect.bisect_right(starts, tok.start) - 1
            labels.append(int(k >= 0 and spans[k][0] <= tok.start < spans[k][1]))
        local += rows.local
        context += rows.context
    return local, context, np.array(labels, dtype=np.int64)


def fit_tagger(local: Rows, context: Rows, y: npt.NDArray[np.int64], min_df: int = 2
               ) -> HashedLinear:
    m = hash_blocks([local, context], TAGGER_SIZES, TAGGER_WEIGHTS, binary=True)
    columns = _kept_columns(m, min_df)
    x = select(m, columns, None)
    clf = LogisticRegression(C=TAGGER_C, solver="liblinear", max_iter=500, random_state=SEED)
    clf.fit(x, y)
    return HashedLinear(
        classes=("propaganda",), sizes=TAGGER_SIZES, weights=TAGGER_WEIGHTS, binary=True,
        columns=columns, coef=np.asarray(clf.coef_, dtype=np.float64),
        intercept=np.asarray(clf.intercept_, dtype=np.float64),
    )


def classifier_data(
    texts: Mapping[str, str], items: Sequence[Labelled]
) -> tuple[list[list[str]], list[list[str]]]:
    """Word-level and character-level feature rows of labelled spans."""
    words: list[list[str]] = []
    chars: list[list[str]] = []
    stats = {a: F.ArticleStats.of(t) for a, t in texts.items()}
    segments = {a: F.line_segments(t) for a, t in texts.items()}
    by_article: dict[str, list[tuple[int, int]]] = {}
    for x in items:
        by_article.setdefault(x.article, []).append((x.start, x.end))
    for x in items:
        text = texts[x.article]
        seg = F.segment_of(segments[x.article], x.start, x.end)
        same = F.same_text_counts(text, [(x.start, x.end), *by_article[x.article]])[0]
        words.append(F.span_features(text, x.start, x.end, seg, stats[x.article], same))
        chars.append(F.char_ngrams(text[x.start : x.end]))
    return words, chars


def fit_classifier(
    words: Rows, chars: Rows, y: Sequence[str], dense: npt.NDArray[np.float64] | None = None,
    min_df: int = 2,
) -> HashedLinear:
    m = hash_blocks([words, chars], CLASSIFIER_SIZES, CLASSIFIER_WEIGHTS, binary=False)
    columns = _kept_columns(m, min_df)
    idf = _idf(m, columns)
    x = select(m, columns, idf)
    if dense is not None:
        x = sp.csr_matrix(sp.hstack([x, EMBEDDING_WEIGHT * dense], format="csr"))
    clf = LogisticRegression(C=CLASSIFIER_C, solver="saga", max_iter=1000, tol=1e-4,
                             random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, np.array(y))
    return HashedLinear(
        classes=tuple(str(c) for c in clf.classes_), sizes=CLASSIFIER_SIZES,
        weights=CLASSIFIER_WEIGHTS, binary=False, columns=columns,
        coef=np.asarray(clf.coef_, dtype=np.float64),
        intercept=np.asarray(clf.intercept_, dtype=np.float64), idf=idf,
        dense_dim=0 if dense is None else dense.shape[1], dense_weight=EMBEDDING_WEIGHT,
    )


def train(
    texts: Mapping[str, str],
    items: Sequence[Labelled],
    tagger: bool = True,
    tagger_articles: int | None = None,
    embeddings: bool = True,
) -> TechniqueModel:
    """Train both parts on ``texts`` and their labelled spans.

    ``tagger=False`` skips span identification; ``tagger_articles`` trains the
    tagger on a seeded subset of that many articles (for a quick check);
    ``embeddings=False`` leaves the MiniLM span embeddings out of the classifier.
    """
    gold: dict[str, list[tuple[int, int]]] = {}
    for x in items:
        gold.setdefault(x.article, []).append((x.start, x.end))
    words, chars = classifier_data(texts, items)
    dense = span_embeddings([texts[x.article][x.start : x.end] for x in items]) if embeddings \
        else None
    classifier = fit_classifier(words, chars, [x.technique for x in items], dense)
    if tagger:
        tag_texts = dict(texts)
        if tagger_articles is not None:
            keep = np.random.default_rng(SEED).permutation(sorted(texts))[:tagger_articles]
            tag_texts = {str(a): texts[str(a)] for a in keep}
        local, context, y = tagger_data(tag_texts, gold)
        tag = fit_tagger(local, context, y)
    else:
        tag = HashedLinear(
            classes=("propaganda",), sizes=TAGGER_SIZES, weights=TAGGER_WEIGHTS, binary=True,
            columns=np.zeros(0, dtype=np.int64), coef=np.zeros((1, 0)), intercept=np.zeros(1),
        )
    return TechniqueModel(tag, classifier)
