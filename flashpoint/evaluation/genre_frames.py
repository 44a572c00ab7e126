"""Genre and frames: cross-validation on SemEval-2023 Task 3 English (subtasks 1 and 2).

``flashpoint eval genre`` and ``flashpoint eval frames``. ``path`` is the
datasets folder (``semeval2023_en/`` inside it) or the ``semeval2023_en``
folder itself. The articles are run through the analyzers the models read once
per process (:func:`inputs`; both evaluations share it; about 6 minutes for
the 426 articles on one core).

- **genre**: stratified k-fold CV over the opinion and reporting articles, repeated
  for each seed. Reported: macro-F1 over opinion and reporting and each class's
  precision, recall and F1 (means over seeds); also how many of the three
  satire articles the satire markers find (satire is not learned).
- **frames**: k-fold CV over all articles, per seed; inside each training fold the
  regressions are fitted and the per-frame thresholds chosen (inner CV), then the
  test fold is predicted. Reported: micro-F1 over (article, frame) pairs (the
  task's metric), macro-F1, each frame's precision, recall and F1 (pooled over
  seeds), and the prior baseline (the five most frequent training frames for every article).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..analyzers.persuasion.frames import FRAMES
from ..analyzers.persuasion.genre import SATIRE_THRESHOLD, satire_score
from ..model import Article
from ..train import genre_frames as train
from . import default_datasets_dir, require

PRIOR_FRAMES = 5


def _folder(path: Path | None) -> Path:
    base = default_datasets_dir() if path is None else path
    if (base / "train-labels-subtask-1.txt").exists():
        return base
    return base / "semeval2023_en"


@functools.lru_cache(maxsize=2)
def inputs(semeval: Path) -> tuple[train.Inputs, dict[str, str], dict[str, list[str]],
                                   dict[str, str]]:
    """Model inputs of the SemEval articles, genre and frame labels, and the texts by id."""
    ids, texts, genre, frames = train.read_semeval(require(semeval))
    workers = min(2, os.cpu_count() or 1)
    return (train.prepare(ids, texts, workers), genre, frames,
            dict(zip(ids, texts, strict=True)))


def _f1(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def genre_cv(cues: np.ndarray, opinion: np.ndarray, folds: int, seeds: Sequence[int]
             ) -> dict[str, float]:
    """Per-class and macro F1 of opinion vs reporting, means over seeds."""
    rows: list[dict[str, float]] = []
    for seed in seeds:
        pred = np.zeros(len(opinion), dtype=np.int64)
        for test in train.stratified_kfold(opinion.tolist(), folds, seed):
            fit_rows = np.setdiff1d(np.arange(len(opinion)), test)
            model = train.fit_genre(cues[fit_rows], opinion[fit_rows])
            pred[test] = [model.probability(row) >= 0.5 for row in cues[test]]
        out: dict[str, float] = {}
        for name, value in (("opinion", 1), ("reporting", 0)):
            tp = float(((pred == value) & (opinion == value)).sum())
            p, r, f = _f1(tp, float((pred == value).sum()), float((opinion == value).sum()))
            out.update({f"{name}_precision": p, f"{name}_recall": r, f"{name}_f1": f})
        out["macro_f1"] = (out["opinion_f1"] + out["reporting_f1"]) / 2
        rows.append(out)
    return {k: round(float(np.mean([r[k] for r in rows])), 4) for k in rows[0]}


def run_genre(path: Path | None = None, *, folds: int = 5, seeds: Sequence[int] = (0, 1, 2),
              **_: Any) -> dict[str, Any]:
    """Cross-validated genre figures (see the module docstring)."""
    semeval = _folder(path)
    data, genre, _, texts = inputs(semeval)
    keep = [k for k, i in enumerate(data.ids) if genre.get(i) in train.GENRES]
    opinion = np.asarray([genre[data.ids[k]] == "opinion" for k in keep], dtype=np.int64)
    metrics: dict[str, float] = genre_cv(data.cues[keep], opinion, folds, seeds)
    satire = [i for i in data.ids if genre.get(i) == "satire"]
    found = sum(satire_score(texts[i], Article(text=texts[i], source=i)) >= SATIRE_THRESHOLD
                for i in satire)
    metrics.update({"satire_articles": len(satire), "satire_found": found})
    return {"metrics": metrics,
            "data": {"semeval": str(semeval), "articles": len(keep), "folds": folds,
                     "seeds": list(seeds)}}


def frames_cv(vectors: np.ndarray, gold: np.ndarray, folds: int, seeds: Sequence[int]
              ) -> dict[str, float]:
    """Micro/macro F1 and per-frame figures (pooled over seeds), and the prior baseline."""
    tp = np.zeros(len(FRAMES))
    n_pred = np.zeros(len(FRAMES))
    n_gold = np.zeros(len(FRAMES))
    micro, prior = [], []
    for seed in seeds:
        pred = np.zeros_like(gold)
        base = np.zeros_like(gold)
        for test in train.kfold(len(gold), folds, seed):
            fit_rows = np.setdiff1d(np.arange(len(gold)), test)
            model = train.fit_frames(vectors[fit_rows], gold[fit_rows], seed=seed)
            probs = np.stack([model.probabilities(v) for v in vectors[test]])
            pred[test] = (probs >= model.threshold).astype(np.int64)
            top = np.argsort(-gold[fit_rows].sum(axis=0), kind="stable")[:PRIOR_FRAMES]
            base[np.ix_(test, top)] = 1
        micro.append(_f1(float((pred & gold).sum()), float(pred.sum()), float(gold.sum()))[2])
        prior.append(_f1(float((base & gold).sum()), float(base.sum()), float(gold.sum()))[2])
        tp += (pred & gold).sum(axis=0)
        n_pred += pred.sum(axis=0)
        n_gold += gold.sum(axis=0)
    out = {"micro_f1": float(np.mean(micro)), "prior_micro_f1": float(np.mean(prior))}
    per = [_f1(tp[j], n_pred[j], n_gold[j]) for j in range(len(FRAMES))]
    out["macro_f1"] = float(np.mean([f for _, _, f in per]))
    for name, (p, r, f) in zip(FRAMES, per, strict=True):
        out.update({f"{name}_precision": p, f"{name}_recall": r, f"{name}_f1": f})
    return {k: round(v, 4) for k, v in out.items()}


def run_frames(path: Path | None = None, *, folds: int = 5, seeds: Sequence[int] = (0, 1),
               **_: Any) -> dict[str, Any]:
    """Cross-validated frame figures (see the module docstring)."""
    semeval = _folder(path)
    data, _, frames, _ = inputs(semeval)
    gold = train.frame_matrix(data.ids, frames)
    return {"metrics": frames_cv(data.vectors, gold, folds, seeds),
            "data": {"semeval": str(semeval), "articles": len(data.ids), "folds": folds,
                     "seeds": list(seeds)}}
