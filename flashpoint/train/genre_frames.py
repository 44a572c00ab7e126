"""Training and cross-validation of the genre and frames models (scikit-learn is imported here).

Inputs are articles run through the pipeline's ``sentences``, ``actors``,
``quotes`` and ``sentence_scores`` analyzers (:func:`prepare`): the genre cues
(:func:`flashpoint.analyzers.persuasion.genre.features`) and the article vector
of the frames model (mean of the sentence vectors,
:func:`flashpoint.analyzers.persuasion.frames.sentence_vectors`).

- **Genre**: opinion vs reporting, balanced logistic regression (C = :data:`GENRE_C`)
  on the standardised cues, trained on SemEval-2023 Task 3 English subtask 1
  (opinion and reporting; the three satire articles are left out).
- **Frames**: one balanced logistic regression per frame (C = :data:`FRAMES_C`)
  on the standardised article vector, trained on subtask 2; each frame's
  threshold maximises that frame's F1 on out-of-fold probabilities of the
  training articles (:data:`THRESHOLD_FOLDS`-fold CV inside them).

Used by ``scripts/train_genre_frames.py`` and ``flashpoint.evaluation.genre_frames``;
the run-time path never imports this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..analyzers import registry
from ..analyzers.persuasion import frames as frames_model
from ..analyzers.persuasion import genre as genre_model
from ..analyzers.persuasion.frames import FRAMES, FramesModel, frame_probabilities
from ..analyzers.persuasion.genre import GenreModel
from ..model import Article
from ..pipeline import Pipeline, select

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
ANALYZERS = ("sentences", "actors", "quotes", "sentence_scores")
GENRES = ("opinion", "reporting")
GENRE_C = 1.0
FRAMES_C = 0.01
THRESHOLD_FOLDS = 5
THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.025), 3)


@dataclass(frozen=True)
class Inputs:
    """What the models read of some articles: genre cues and article vectors, row by row."""

    ids: tuple[str, ...]
    cues: F64
    vectors: F32


def prepare(ids: Sequence[str], texts: Sequence[str], workers: int = 1) -> Inputs:
    """Run the analyzers the models read and collect their inputs, row by row in ``ids`` order.

    ``workers > 1`` splits the articles over that many fresh (spawned) processes,
    each running :func:`prepare` on its share; the rows are the same as with one.
    """
    if workers > 1 and len(ids) > 1:
        return _prepare_parallel(ids, texts, workers)
    pipeline = Pipeline(select(registry(plugins=False), ANALYZERS))
    cues, vectors = [], []
    articles = (Article(text=t, source=i) for i, t in zip(ids, texts, strict=True))
    for article in pipeline.run(articles):
        segments = [(s.span.start, s.span.end) for s in article.sentences]
        cues.append(genre_model.features(article, segments))
        rows = frames_model.sentence_vectors(
            [article.text[s:e] for s, e in segments[: frames_model.MAX_SENTENCES]])
        vectors.append(rows.mean(axis=0) if len(rows) else np.zeros(rows.shape[1], np.float32))
    return Inputs(tuple(ids), np.stack(cues), np.stack(vectors).astype(np.float32))


def _prepare_parallel(ids: Sequence[str], texts: Sequence[str], workers: int) -> Inputs:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    shares = [list(range(k, len(ids), workers)) for k in range(min(workers, len(ids)))]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(shares), mp_context=context) as pool:
        parts = list(pool.map(prepare, [[ids[i] for i in share] for share in shares],
                              [[texts[i] for i in share] for share in shares]))
    order = np.argsort(np.concatenate([np.asarray(share) for share in shares]), kind="stable")
    return Inputs(tuple(ids), np.concatenate([p.cues for p in parts])[order],
                  np.concatenate([p.vectors for p in parts])[order])


def read_semeval(folder: Path) -> tuple[list[str], list[str], dict[str, str], dict[str, list[str]]]:
    """Ids, texts, genre labels and frame labels of the SemEval-2023 English train split."""
    articles = folder / "train-articles-subtask-1"
    ids = sorted(p.stem.removeprefix("article") for p in articles.glob("article*.txt"))
    texts = [(articles / f"article{i}.txt").read_text(encoding="utf-8") for i in ids]
    genre = dict(_tab_lines(folder / "train-labels-subtask-1.txt"))
    frames = {i: [f for f in v.split(",") if f]
              for i, v in _tab_lines(folder / "train-labels-subtask-2.txt")}
    return ids, texts, genre, frames


def _tab_lines(path: Path) -> Iterable[tuple[str, str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("\t")
        if key:
            yield key, value.strip()


def _standardised_logreg(x: F64, y: I64, c: float) -> tuple[F64, float]:
    """Balanced logistic regression on standardised ``x``; weights in the raw scale."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    clf.fit((x - mean) / scale, y)
    coef = clf.coef_[0] / scale
    return coef, float(clf.intercept_[0] - mean @ coef)


def fit_genre(cues: F64, opinion: I64, c: float = GENRE_C, **meta: object) -> GenreModel:
    """P(opinion) from the genre cues (1 = opinion, 0 = reporting)."""
    means = np.nanmean(cues, axis=0)
    filled = np.where(np.isnan(cues), means, cues)
    coef, intercept = _standardised_logreg(filled, opinion, c)
    return GenreModel(coef=coef, intercept=intercept, means=means,
                      meta={"c": c, "n_train": len(opinion), **meta})


def _frame_weights(x: F64, y: I64, c: float) -> tuple[F32, F64]:
    coefs, intercepts = [], []
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():
            coefs.append(np.zeros(x.shape[1]))
            intercepts.append(40.0 if y[0, j] else -40.0)
            continue
        coef, intercept = _standardised_logreg(x, y[:, j], c)
        coefs.append(coef)
        intercepts.append(intercept)
    return np.stack(coefs).astype(np.float32), np.asarray(intercepts)


def best_thresholds(probs: F64, gold: I64) -> F64:
    """Per frame, the grid threshold with the best F1 on ``probs`` (ties: the lowest)."""
    out = np.zeros(gold.shape[1])
    for j in range(gold.shape[1]):
        f1 = [2 * ((probs[:, j] >= t) & (gold[:, j] == 1)).sum()
              / max(1, (probs[:, j] >= t).sum() + gold[:, j].sum()) for t in THRESHOLD_GRID]
        out[j] = THRESHOLD_GRID[int(np.argmax(f1))]
    return out


def kfold(n: int, k: int, seed: int) -> list[I64]:
    """A seeded assignment of ``n`` rows to ``k`` folds: the test rows of each fold."""
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(order[i::k]) for i in range(k)]


def stratified_kfold(labels: Sequence[int], k: int, seed: int) -> list[I64]:
    """Folds with each label spread evenly (rows of a label dealt round-robin, shuffled)."""
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    start = 0
    for label in sorted(set(labels)):
        rows = rng.permutation([i for i, v in enumerate(labels) if v == label])
        for n, row in enumerate(rows):
            folds[(start + n) % k].append(int(row))
        start += len(rows)
    return [np.sort(np.asarray(f, dtype=np.int64)) for f in folds]


def fit_frames(vectors: F32, gold: I64, c: float = FRAMES_C, seed: int = 0,
               **meta: object) -> FramesModel:
    """The 14 frame regressions on all rows, thresholds from out-of-fold probabilities."""
    x = vectors.astype(np.float64)
    oof = np.zeros(gold.shape)
    for test in kfold(len(x), THRESHOLD_FOLDS, seed + 100):
        train = np.setdiff1d(np.arange(len(x)), test)
        oof[test] = frame_probabilities(*_frame_weights(x[train], gold[train], c), x[test])
    coef, intercept = _frame_weights(x, gold, c)
    return FramesModel(coef=coef, intercept=intercept, threshold=best_thresholds(oof, gold),
                       meta={"c": c, "n_train": len(x), "seed": seed, **meta})


def frame_matrix(ids: Sequence[str], labels: dict[str, list[str]]) -> I64:
    """(articles, 14) gold indicator matrix."""
    return np.asarray([[f in labels.get(i, []) for f in FRAMES] for i in ids], dtype=np.int64)
