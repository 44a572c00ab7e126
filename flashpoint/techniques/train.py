"""Training the technique model from PTC-format data (used by the script and by the CV evaluation).

Deterministic: liblinear and saga are run with fixed ``random_state``; the
feature hashing has no state. Features seen in fewer than ``min_df`` training
rows are dropped, which keeps the saved files small.
"""

from __future__ import annotations

import bisect
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from ..errors import TrainingToolMissing
from . import features as F
from .linear import HashedLinear, Rows, hash_blocks, select
from .model import (
    CLASSIFIER_SIZES,
    CLASSIFIER_WEIGHTS,
    EMBEDDING_WEIGHT,
    HIGH,
    LOW,
    TAGGER_SIZES,
    TAGGER_WEIGHTS,
    TechniqueModel,
    decode,
)
from .ptc import Labelled, merge_spans, si_scores
from .states import (
    KEEP,
    ArticleStates,
    TokenHead,
    TunedLayers,
    article_states,
    head_inputs,
    span_vectors,
)

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


def article_rows(text: str, spans: Sequence[tuple[int, int]], features: bool = True
                 ) -> tuple[F.TokenRows, npt.NDArray[np.int64]]:
    """Token rows of an article's lines and their 0/1 labels: inside a gold span or not."""
    rows = F.token_rows(text, F.line_segments(text), features)
    merged = merge_spans(spans)
    starts = [s for s, _ in merged]
    labels = []
    for tok in rows.tokens:
        k = bisect.bisect_right(starts, tok.start) - 1
        labels.append(int(k >= 0 and merged[k][0] <= tok.start < merged[k][1]))
    return rows, np.array(labels, dtype=np.int64)


def tagger_data(
    texts: Mapping[str, str], gold: Mapping[str, Sequence[tuple[int, int]]]
) -> tuple[list[list[str]], list[list[str]], npt.NDArray[np.int64]]:
    """Token feature rows (local, context) and 0/1 labels: inside a gold span or not."""
    local: list[list[str]] = []
    context: list[list[str]] = []
    labels = [np.zeros(0, dtype=np.int64)]
    for art, text in texts.items():
        rows, y = article_rows(text, gold.get(art, ()))
        local += rows.local
        context += rows.context
        labels.append(y)
    return local, context, np.concatenate(labels)


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


INNER_FOLDS = 3
"""Groups of training articles for the out-of-group predictions the thresholds are chosen on."""
HIGH_GRID = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55)
LOW_GRID = (0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.25)


def encode_articles(texts: Mapping[str, str]) -> dict[str, ArticleStates]:
    """Encoder states of every article's lines (one pass per line)."""
    return {a: article_states(t, F.line_segments(t), KEEP) for a, t in texts.items()}


def _dense(texts: Mapping[str, str], items: Sequence[Labelled],
           states: Mapping[str, ArticleStates]) -> npt.NDArray[np.float64]:
    out = np.zeros((len(items), 0))
    if items:
        out = np.vstack([span_vectors(states[x.article], [(x.start, x.end)], len(KEEP))
                         for x in items])
    return out


def choose_thresholds(
    rows: Mapping[str, F.TokenRows], probs: Mapping[str, npt.NDArray[np.float64]],
    gold: Mapping[str, Sequence[tuple[int, int]]],
) -> tuple[float, float]:
    """The (high, low) hysteresis pair of the grids with the best SI F1 on these articles."""
    ref = [(a, s, e) for a in rows for s, e in gold.get(a, ())]
    best = (-1.0, HIGH, LOW)
    for high in HIGH_GRID:
        for low in (x for x in LOW_GRID if x <= high):
            pred = [(a, f.start, f.end) for a in rows for f in decode(rows[a], probs[a], high, low)]
            f1 = si_scores(pred, ref)["f1"]
            if f1 > best[0]:
                best = (f1, high, low)
    return best[1], best[2]


def train_spans(
    texts: Mapping[str, str], gold: Mapping[str, Sequence[tuple[int, int]]],
    states: Mapping[str, ArticleStates] | None, tune: bool = True,
) -> tuple[HashedLinear | None, TokenHead | None, TunedLayers | None, float, float]:
    """The span finder: a token head (over a fine-tuned layer 5) and its thresholds, or the tagger.

    With ``states`` the :class:`~.states.TokenHead` is trained on every
    article's tokens, together with a fine-tuned copy of encoder layer 5
    (:func:`~.finetune.fit_tuned_head`) unless ``tune`` is false (then over the
    frozen layer-4 and layer-5 states, :func:`fit_token_head`). The thresholds
    are chosen on out-of-group predictions: the articles are cut into
    :data:`INNER_FOLDS` seeded groups, each group is predicted by a model
    trained on the others, and the (high, low) pair with the best SI F1 on all
    groups is kept. Without ``states``, the linear tagger with the default
    thresholds.
    """
    arts = sorted(texts)
    if states is None:
        local, context, y = tagger_data(texts, gold)
        return fit_tagger(local, context, y), None, None, HIGH, LOW
    rows: dict[str, F.TokenRows] = {}
    tokens: dict[str, list[tuple[int, int]]] = {}
    labels: dict[str, npt.NDArray[np.int64]] = {}
    for a in arts:
        rows[a], labels[a] = article_rows(texts[a], gold.get(a, ()), features=False)
        tokens[a] = [(t.start, t.end) for t in rows[a].tokens]

    def fit(names: Sequence[str]) -> tuple[TunedLayers | None, TokenHead]:
        if tune:
            from .finetune import fit_tuned_head

            return fit_tuned_head(states, tokens, labels, names, SEED)
        return None, fit_token_head(np.vstack([head_inputs(states[a], tokens[a]) for a in names]),
                                    np.concatenate([labels[a] for a in names]))

    def probabilities(model: tuple[TunedLayers | None, TokenHead], a: str
                      ) -> npt.NDArray[np.float64]:
        tuned, head = model
        st = states[a] if tuned is None else tuned.states(states[a])
        return head.probabilities(head_inputs(st, tokens[a]))

    high, low = HIGH, LOW
    if len(arts) >= 2 * INNER_FOLDS:
        order = np.random.default_rng(SEED).permutation(arts)
        group = {str(a): i % INNER_FOLDS for i, a in enumerate(order)}
        probs: dict[str, npt.NDArray[np.float64]] = {}
        for g in range(INNER_FOLDS):
            model = fit([a for a in arts if group[a] != g])
            probs |= {a: probabilities(model, a) for a in arts if group[a] == g}
        high, low = choose_thresholds(rows, probs, gold)
    tuned, head = fit(arts)
    return None, head, tuned, high, low


def train(
    texts: Mapping[str, str],
    items: Sequence[Labelled],
    tagger: bool = True,
    tagger_articles: int | None = None,
    embeddings: bool = True,
    states: Mapping[str, ArticleStates] | None = None,
    tune: bool = True,
) -> TechniqueModel:
    """Train both parts on ``texts`` and their labelled spans.

    ``tagger=False`` skips span identification; ``tagger_articles`` trains the
    span finder on a seeded subset of that many articles (for a quick check);
    ``embeddings=False`` trains without MiniLM states (no dense block in the
    classifier; the linear tagger instead of the token head); ``tune=False``
    keeps encoder layer 5 frozen under the token head (faster). ``states``
    (encoder states per article, from :func:`encode_articles`) are computed
    when not given.
    """
    gold: dict[str, list[tuple[int, int]]] = {}
    for x in items:
        gold.setdefault(x.article, []).append((x.start, x.end))
    if embeddings and states is None:
        states = encode_articles(texts)
    words, chars = classifier_data(texts, items)
    dense = _dense(texts, items, states) if states is not None and embeddings else None
    classifier = fit_classifier(words, chars, [x.technique for x in items], dense)
    if not tagger:
        return TechniqueModel(classifier)
    tag_texts = dict(texts)
    if tagger_articles is not None:
        keep = np.random.default_rng(SEED).permutation(sorted(texts))[:tagger_articles]
        tag_texts = {str(a): texts[str(a)] for a in keep}
    tag, head, tuned, high, low = train_spans(tag_texts, gold, states if embeddings else None,
                                              tune)
    return TechniqueModel(classifier, head, high, low, tagger=tag, tuned=tuned)


# --- the token head (torch, training only) ----------------------------------------------

HEAD_HIDDEN = 256
HEAD_EPOCHS = 4
HEAD_BATCH = 256
HEAD_LR = 1e-3


def fit_token_head(x: npt.NDArray[np.float64], y: npt.NDArray[np.int64], seed: int = SEED
                   ) -> TokenHead:
    """Train the :class:`~.states.TokenHead` perceptron with torch (AdamW, binary cross-entropy).

    Inputs are standardised (the last column, the missing flag, is left as it
    is); torch runs on one thread. Raises :class:`TrainingToolMissing` without torch.
    """
    torch = import_torch("training the technique span head", seed)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-4
    mean[-1:], scale[-1:] = 0.0, 1.0
    xt = torch.from_numpy(((x - mean) / scale).astype(np.float32))
    yt = torch.from_numpy(y.astype(np.float32))
    first, last = torch.nn.Linear(x.shape[1], HEAD_HIDDEN), torch.nn.Linear(HEAD_HIDDEN, 1)
    net = torch.nn.Sequential(first, torch.nn.GELU(), torch.nn.Dropout(0.1), last)
    opt = torch.optim.AdamW(net.parameters(), lr=HEAD_LR, weight_decay=1e-2)
    loss = torch.nn.BCEWithLogitsLoss()
    gen = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(HEAD_EPOCHS):
        order = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), HEAD_BATCH):
            idx = order[i : i + HEAD_BATCH]
            opt.zero_grad()
            loss(net(xt[idx])[:, 0], yt[idx]).backward()
            opt.step()
    return head_from_torch(first, last, mean, scale)


def import_torch(task: str, seed: int) -> Any:
    """torch, on one thread and seeded; :class:`TrainingToolMissing` naming ``task`` without it."""
    try:
        import torch
    except ImportError:
        raise TrainingToolMissing(
            f"{task} needs torch==2.13.0 (`pip install -r requirements-dev.txt`); "
            "run time never needs it"
        ) from None
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    return torch


def head_from_torch(first: Any, last: Any, mean: npt.NDArray[np.float64],
                    scale: npt.NDArray[np.float64]) -> TokenHead:
    """The NumPy :class:`~.states.TokenHead` of trained torch ``Linear`` layers."""
    return TokenHead(
        mean=mean, scale=scale,
        w1=first.weight.detach().numpy().astype(np.float64).T,
        b1=first.bias.detach().numpy().astype(np.float64),
        w2=last.weight.detach().numpy().astype(np.float64)[0],
        b2=float(last.bias.detach().numpy()[0]),
    )
