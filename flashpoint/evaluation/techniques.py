"""Evaluation of the technique model: SemEval-2020 Task 11 metrics, k-fold CV by article.

For each fold, the model is trained from scratch (as ``scripts/train_techniques.py``
does) on the other folds' articles, then

- **SI**: spans are predicted on the held-out articles and scored with the
  task's span-level precision/recall (partial-overlap credit, see
  :mod:`flashpoint.analyzers.persuasion.techniques.ptc`);
- **TC**: the held-out gold spans are labelled and scored with micro-F1
  (= accuracy) plus per-technique precision/recall/F1.

Predictions of all folds are pooled before scoring. Options: ``folds`` (5),
``only_fold`` (evaluate one fold, for the quick quality gate), ``max_articles``
(a seeded subsample of articles), ``tasks`` (``"si,tc"``), ``mode``
(``"cv"``; ``"shipped"`` scores the shipped model on every article instead,
for held-out splits; ``"auto"``, the default, means ``"cv"`` on a folder
with ``train-articles/`` and ``"shipped"`` otherwise),
``tagger_articles`` (train each fold's span finder on a seeded subset of
that many training articles; the quality gate uses it to stay fast),
``embeddings`` (``False``: no MiniLM states, i.e. the linear tagger alone for
spans and no dense block in the classifier). The encoder states of every
article are computed once, before the folds (``encoder_ms_per_article``);
``inference_ms_per_article`` is the time of the model on top of them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from ..analyzers.persuasion.techniques import features as F
from ..analyzers.persuasion.techniques import load_model, ptc
from ..errors import DatasetMissing
from ..train.techniques import SEED, encode_articles, train
from . import default_datasets_dir, require


def fold_of(ids: list[str], folds: int, seed: int = SEED) -> dict[str, int]:
    """A seeded assignment of article ids to ``folds`` folds of (nearly) equal size."""
    order = np.random.default_rng(seed).permutation(sorted(ids))
    return {str(a): i % folds for i, a in enumerate(order)}


def run(
    path: Path | None = None,
    folds: int = 5,
    only_fold: int | None = None,
    max_articles: int | None = None,
    tasks: str = "si,tc",
    tagger_articles: int | None = None,
    mode: str = "auto",
    embeddings: bool = True,
) -> dict[str, Any]:
    root = require(path or default_datasets_dir() / "ptc2020")
    if mode == "shipped" or (mode == "auto" and not (root / "train-articles").is_dir()):
        return run_shipped(root, tasks)
    texts = ptc.read_articles(root)
    items = ptc.read_tc_labels(root)
    if not texts or not items:
        raise DatasetMissing(f"no PTC articles or technique labels under {root}")
    if max_articles is not None:
        keep = set(np.random.default_rng(SEED).permutation(sorted(texts))[:max_articles])
        texts = {a: t for a, t in texts.items() if a in keep}
        items = [x for x in items if x.article in keep]
    do_si, do_tc = "si" in tasks, "tc" in tasks
    assign = fold_of(list(texts), folds)
    run_folds = range(folds) if only_fold is None else [only_fold]
    t0 = time.perf_counter()
    states = encode_articles(texts) if embeddings else None
    encode_s = time.perf_counter() - t0
    si_pred: list[tuple[str, int, int]] = []
    si_gold: list[tuple[str, int, int]] = []
    tc_pred: list[str] = []
    tc_gold: list[str] = []
    n_test, infer_s = 0, 0.0
    for k in run_folds:
        train_texts = {a: t for a, t in texts.items() if assign[a] != k}
        test_ids = sorted(a for a in texts if assign[a] == k)
        model = train(train_texts, [x for x in items if assign[x.article] != k], tagger=do_si,
                      tagger_articles=tagger_articles, embeddings=embeddings, states=states)
        by_article = ptc.group_by_article(x for x in items if assign[x.article] == k)
        n_test += len(test_ids)
        for art in test_ids:
            text, gold = texts[art], by_article.get(art, [])
            segments = F.line_segments(text)
            st = states[art] if states is not None else None
            t0 = time.perf_counter()
            if do_si:
                si_pred += [(art, s.start, s.end) for s in model.find_spans(text, segments, st)]
                si_gold += [(art, x.start, x.end) for x in gold]
            if do_tc and gold:
                labels = model.label(text, [(x.start, x.end) for x in gold], segments, st)
                tc_pred += [lab for lab, _ in labels]
                tc_gold += [x.technique for x in gold]
            infer_s += time.perf_counter() - t0
    metrics: dict[str, float] = {}
    if do_si:
        si = ptc.si_scores(si_pred, si_gold)
        metrics |= {"si_precision": si["precision"], "si_recall": si["recall"], "si_f1": si["f1"]}
    if do_tc:
        tc = ptc.tc_scores(tc_pred, tc_gold, sorted({x.technique for x in items}))
        metrics |= {f"tc_{k}": v for k, v in tc.items()}
    metrics["inference_ms_per_article"] = 1000 * infer_s / max(1, n_test)
    metrics["encoder_ms_per_article"] = 1000 * encode_s / max(1, len(texts))
    return {
        "metrics": metrics,
        "articles": len(texts),
        "folds": folds,
        "evaluated_folds": list(run_folds),
        "test_articles": n_test,
        "si_spans": {"predicted": len(si_pred), "gold": len(si_gold)},
        "tc_spans": len(tc_gold),
        "options": {"folds": folds, "only_fold": only_fold, "max_articles": max_articles,
                    "tasks": tasks, "tagger_articles": tagger_articles,
                    "embeddings": embeddings},
    }


def run_shipped(root: Path, tasks: str = "si,tc") -> dict[str, Any]:
    """Score the shipped model on every article of a PTC directory (e.g. a held-out split)."""
    texts = ptc.read_articles(root)
    items = ptc.read_tc_labels(root)
    if not texts or not items:
        raise DatasetMissing(f"no PTC articles or technique labels under {root}")
    model = load_model()
    by_article = ptc.group_by_article(items)
    si_pred: list[tuple[str, int, int]] = []
    tc_pred: list[str] = []
    tc_gold: list[str] = []
    t0 = time.perf_counter()
    for art, text in texts.items():
        segments = F.line_segments(text)
        gold = by_article.get(art, [])
        st = model.states_of(text, segments) if model.needs_states() else None
        if "si" in tasks:
            si_pred += [(art, s.start, s.end) for s in model.find_spans(text, segments, st)]
        if "tc" in tasks and gold:
            labels = model.label(text, [(x.start, x.end) for x in gold], segments, st)
            tc_pred += [lab for lab, _ in labels]
            tc_gold += [x.technique for x in gold]
    elapsed = time.perf_counter() - t0
    metrics: dict[str, float] = {}
    if "si" in tasks:
        si = ptc.si_scores(si_pred, [(x.article, x.start, x.end) for x in items])
        metrics |= {"si_precision": si["precision"], "si_recall": si["recall"], "si_f1": si["f1"]}
    if "tc" in tasks:
        tc = ptc.tc_scores(tc_pred, tc_gold, sorted({x.technique for x in items}))
        metrics |= {f"tc_{k}": v for k, v in tc.items()}
    metrics["inference_ms_per_article"] = 1000 * elapsed / max(1, len(texts))
    return {"metrics": metrics, "articles": len(texts), "mode": "shipped",
            "si_spans": {"predicted": len(si_pred), "gold": len(items)}, "tc_spans": len(tc_gold)}
