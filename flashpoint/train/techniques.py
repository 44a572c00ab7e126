"""Training the technique model from PTC-format data (used by the script and by the CV evaluation).

Deterministic: liblinear and saga are run with fixed ``random_state``; the
feature hashing has no state. Features seen in fewer than ``min_df`` training
rows are dropped, which keeps the saved files small.
"""

from __future__ import annotations

import bisect
import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from ..analyzers.persuasion.techniques import features as F
from ..analyzers.persuasion.techniques.linear import HashedLinear, Rows, hash_blocks, select
from ..analyzers.persuasion.techniques.model import (
    CLASSIFIER_LAYERS,
    CLASSIFIER_SIZES,
    CLASSIFIER_WEIGHTS,
    EMBEDDING_WEIGHT,
    HIGH,
    LOW,
    TAGGER_SIZES,
    TAGGER_WEIGHTS,
    TechniqueModel,
    decode,
    mixed,
    tagger_probabilities,
)
from ..analyzers.persuasion.techniques.ptc import Labelled, merge_spans, si_scores
from ..analyzers.persuasion.techniques.states import (
    KEEP,
    ArticleStates,
    BiLSTM,
    TokenHead,
    article_states,
    head_inputs,
    runs,
    select_layers,
    span_vectors,
)
from ..errors import TrainingToolMissing

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
        out = np.vstack([span_vectors(select_layers(states[x.article], KEEP, CLASSIFIER_LAYERS),
                                      [(x.start, x.end)], len(CLASSIFIER_LAYERS))
                         for x in items])
    return out


MIX_GRID = (0.0, 0.2, 0.3, 0.4, 0.5)
"""Weights of the lexical tagger's probability next to the span heads' (see :func:`mixed`)."""
HEAD_LAYERS = ((4, 5), (2, 3))
"""Encoder layers of each span head; their probabilities are averaged."""


def choose_decoding(
    rows: Mapping[str, F.TokenRows], probs: Mapping[str, npt.NDArray[np.float64]],
    gold: Mapping[str, Sequence[tuple[int, int]]],
    tagger_probs: Mapping[str, npt.NDArray[np.float64]] | None = None,
) -> tuple[float, float, float]:
    """The (mix, high, low) of the grids with the best SI F1 on these articles.

    ``mix`` weighs ``tagger_probs`` against ``probs`` (:func:`mixed`); it is 0
    without them. ``high`` and ``low`` are the hysteresis thresholds.
    """
    ref = [(a, s, e) for a in rows for s, e in gold.get(a, ())]
    best = (-1.0, 0.0, HIGH, LOW)
    for mix in MIX_GRID if tagger_probs is not None else (0.0,):
        p = {a: mixed(probs[a], None if tagger_probs is None else tagger_probs[a], mix)
             for a in rows}
        for high in HIGH_GRID:
            for low in (x for x in LOW_GRID if x <= high):
                pred = [(a, f.start, f.end) for a in rows for f in decode(rows[a], p[a], high, low)]
                f1 = si_scores(pred, ref)["f1"]
                if f1 > best[0]:
                    best = (f1, mix, high, low)
    return best[1], best[2], best[3]


@dataclass(frozen=True, slots=True)
class SpanFinder:
    """What :func:`train_spans` returns: the models and how their probabilities are decoded."""

    heads: tuple[TokenHead, ...]
    tagger: HashedLinear | None
    high: float
    low: float
    mix: float = 0.0


def train_spans(
    texts: Mapping[str, str], gold: Mapping[str, Sequence[tuple[int, int]]],
    states: Mapping[str, ArticleStates] | None,
) -> SpanFinder:
    """The span finder: the token heads, the lexical tagger, and how to decode them.

    With ``states`` (of layers :data:`~.states.KEEP`) one
    :class:`~.states.TokenHead` per entry of :data:`HEAD_LAYERS` (over those
    frozen layers, :func:`fit_token_head`) and the linear tagger over lexical
    token features (:func:`fit_tagger`) are trained on every article's tokens.
    The decoding (the tagger's weight ``mix`` against the heads' mean, and the
    hysteresis thresholds) is chosen on out-of-group predictions: the articles
    are cut into :data:`INNER_FOLDS` seeded groups, each group is predicted by
    heads and a tagger trained on the others, and the (mix, high, low) of the
    grids with the best SI F1 on all groups is kept. The heads are trained one
    after the other, so only one head's inputs are in memory at a time.
    Without ``states``, the linear tagger alone with the default thresholds.
    """
    arts = sorted(texts)
    rows: dict[str, F.TokenRows] = {}
    labels: dict[str, npt.NDArray[np.int64]] = {}
    for a in arts:
        rows[a], labels[a] = article_rows(texts[a], gold.get(a, ()))

    def tagger(names: Sequence[str]) -> HashedLinear:
        return fit_tagger([r for a in names for r in rows[a].local],
                          [r for a in names for r in rows[a].context],
                          np.concatenate([labels[a] for a in names]))

    if states is None:
        return SpanFinder((), tagger(arts), HIGH, LOW)
    inner = len(arts) >= 2 * INNER_FOLDS
    order = np.random.default_rng(SEED).permutation(arts)
    group = {str(a): i % INNER_FOLDS for i, a in enumerate(order)}
    probs = {a: np.zeros(len(rows[a].tokens)) for a in arts}

    def head(names: Sequence[str], inputs: Mapping[str, npt.NDArray[np.float32]],
             layers: tuple[int, ...]) -> TokenHead:
        sentences, base = [], 0
        for a in names:
            sentences += [(base + s, base + e) for s, e in runs(rows[a].segment)]
            base += len(rows[a].tokens)
        found = fit_token_head(np.vstack([inputs[a] for a in names]),
                               np.concatenate([labels[a] for a in names]), sentences)
        return dataclasses.replace(found, layers=layers)

    heads = []
    for layers in HEAD_LAYERS:
        inputs = {a: head_inputs(select_layers(states[a], KEEP, layers),
                                 [(t.start, t.end) for t in rows[a].tokens]) for a in arts}
        for g in range(INNER_FOLDS if inner else 0):
            h = head([a for a in arts if group[a] != g], inputs, layers)
            for a in arts:
                if group[a] == g:
                    probs[a] += h.probabilities(inputs[a], rows[a].segment) / len(HEAD_LAYERS)
        heads.append(head(arts, inputs, layers))
        del inputs
    mix, high, low = 0.0, HIGH, LOW
    if inner:
        lexical: dict[str, npt.NDArray[np.float64]] = {}
        for g in range(INNER_FOLDS):
            t = tagger([a for a in arts if group[a] != g])
            for a in arts:
                if group[a] == g:
                    lexical[a] = tagger_probabilities(t, rows[a])
        mix, high, low = choose_decoding(rows, probs, gold, lexical)
    return SpanFinder(tuple(heads), tagger(arts) if mix > 0 else None, high, low, mix)


def train(
    texts: Mapping[str, str],
    items: Sequence[Labelled],
    tagger: bool = True,
    tagger_articles: int | None = None,
    embeddings: bool = True,
    states: Mapping[str, ArticleStates] | None = None,
) -> TechniqueModel:
    """Train both parts on ``texts`` and their labelled spans.

    ``tagger=False`` skips span identification; ``tagger_articles`` trains the
    span finder on a seeded subset of that many articles (for a quick check);
    ``embeddings=False`` trains without MiniLM states (no dense block in the
    classifier; the linear tagger instead of the token head). ``states``
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
    found = train_spans(tag_texts, gold, states if embeddings else None)
    return TechniqueModel(classifier, found.heads, found.high, found.low, tagger=found.tagger,
                          mix=found.mix)


# --- the token head (torch, training only) ----------------------------------------------

HEAD_HIDDEN = 256
LSTM_HIDDEN = 128
"""Units per direction of the head's bidirectional LSTM over each sentence's tokens."""
HEAD_EPOCHS = 6
HEAD_BATCH_TOKENS = 1536
"""Sentences are batched by length, at most this many (padded) tokens a batch."""
HEAD_LR = 1e-3
HEAD_DROPOUT = 0.1


def sentence_batches(lengths: Sequence[int], limit: int, rng: np.random.Generator | None
                     ) -> list[list[int]]:
    """Indices of sequences grouped by length, at most ``limit`` padded items a batch.

    Shuffled (the batches, not their members) when ``rng`` is given.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    out: list[list[int]] = []
    current: list[int] = []
    width = 0
    for i in order:
        if current and max(width, lengths[i]) * (len(current) + 1) > limit:
            out.append(current)
            current, width = [], 0
        current.append(i)
        width = max(width, lengths[i])
    if current:
        out.append(current)
    if rng is not None:
        rng.shuffle(out)
    return out


STATS_CHUNK = 16384
"""Rows per chunk when the head's inputs are standardised (bounds the float64 temporaries)."""


def column_stats(x: npt.NDArray[np.floating[Any]]) -> tuple[npt.NDArray[np.float64],
                                                            npt.NDArray[np.float64]]:
    """Mean and standard deviation (+1e-4) of each column, in float64, a chunk of rows at a time.

    The same figures as ``x.mean(axis=0)`` and ``x.std(axis=0)`` in float64, without
    a float64 copy of ``x`` (several GB for the PTC training tokens).
    """
    total = np.zeros(x.shape[1])
    for s in range(0, len(x), STATS_CHUNK):
        total += x[s : s + STATS_CHUNK].sum(axis=0, dtype=np.float64)
    mean = total / max(1, len(x))
    squares = np.zeros(x.shape[1])
    for s in range(0, len(x), STATS_CHUNK):
        squares += ((x[s : s + STATS_CHUNK] - mean) ** 2).sum(axis=0)
    return mean, np.sqrt(squares / max(1, len(x))) + 1e-4


def fit_token_head(x: npt.NDArray[np.floating[Any]], y: npt.NDArray[np.int64],
                   sentences: Sequence[tuple[int, int]], seed: int = SEED) -> TokenHead:
    """Train the :class:`~.states.TokenHead` (perceptron and sentence BiLSTM) with torch.

    ``sentences`` are the ``(start, end)`` row ranges of the sentences (every
    row in one). Inputs are standardised (the last column, the missing flag, is
    left as it is); binary cross-entropy, AdamW with a 5% linear warm-up and a
    linear decay, dropout, one torch thread. Raises
    :class:`TrainingToolMissing` without torch.
    """
    torch = import_torch("training the technique span head", seed)
    mean, scale = column_stats(x)
    mean[-1:], scale[-1:] = 0.0, 1.0
    mean32, scale32 = mean.astype(np.float32), scale.astype(np.float32)
    z = torch.from_numpy(np.empty(x.shape, dtype=np.float32))
    for s in range(0, len(x), STATS_CHUNK):  # standardised in place, a chunk at a time
        z.numpy()[s : s + STATS_CHUNK] = (x[s : s + STATS_CHUNK] - mean32) / scale32
    yt = torch.from_numpy(y.astype(np.float32))
    first = torch.nn.Linear(x.shape[1], HEAD_HIDDEN)
    rnn = torch.nn.LSTM(HEAD_HIDDEN, LSTM_HIDDEN, batch_first=True, bidirectional=True)
    last = torch.nn.Linear(HEAD_HIDDEN + 2 * LSTM_HIDDEN, 1)
    drop = torch.nn.Dropout(HEAD_DROPOUT)
    opt = torch.optim.AdamW([*first.parameters(), *rnn.parameters(), *last.parameters()],
                            lr=HEAD_LR, weight_decay=1e-2)
    lengths = [e - s for s, e in sentences]
    rng = np.random.default_rng(seed)
    total = HEAD_EPOCHS * len(sentence_batches(lengths, HEAD_BATCH_TOKENS, None))
    warm = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: min(1.0, (step + 1) / warm) * max(0.0, (total - step) / total))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    pack = torch.nn.utils.rnn
    for _ in range(HEAD_EPOCHS):
        for batch in sentence_batches(lengths, HEAD_BATCH_TOKENS, rng):
            rows = torch.from_numpy(np.concatenate(
                [np.arange(*sentences[i]) for i in batch]))
            sizes = [lengths[i] for i in batch]
            h = drop(torch.nn.functional.gelu(first(z[rows])))
            seqs = pack.pad_sequence(list(h.split(sizes)), batch_first=True)
            packed = pack.pack_padded_sequence(seqs, torch.tensor(sizes), batch_first=True,
                                               enforce_sorted=False)
            o, _ = pack.pad_packed_sequence(rnn(packed)[0], batch_first=True,
                                            total_length=seqs.shape[1])
            ctx = torch.cat([o[k, :n] for k, n in enumerate(sizes)])
            logit = last(torch.cat([h, drop(ctx)], dim=1))[:, 0]
            opt.zero_grad()
            loss_fn(logit, yt[rows]).backward()
            opt.step()
            sched.step()

    def both(name: str) -> npt.NDArray[np.float64]:  # forward and backward weights stacked
        return np.stack([getattr(rnn, name + end).detach().numpy().astype(np.float64)
                         for end in ("", "_reverse")])

    return TokenHead(
        mean=mean, scale=scale,
        w1=first.weight.detach().numpy().astype(np.float64).T,
        b1=first.bias.detach().numpy().astype(np.float64),
        w2=last.weight.detach().numpy().astype(np.float64)[0],
        b2=float(last.bias.detach().numpy()[0]),
        lstm=BiLSTM(both("weight_ih_l0"), both("weight_hh_l0"),
                    both("bias_ih_l0") + both("bias_hh_l0")),
    )


def import_torch(task: str, seed: int) -> Any:
    """torch, on one thread and seeded; :class:`TrainingToolMissing` naming ``task`` without it."""
    try:
        import torch
    except ImportError:
        raise TrainingToolMissing(
            f"{task} needs torch==2.13.0 (`pip install -r requirements-train.txt`); "
            "run time never needs it"
        ) from None
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    return torch
