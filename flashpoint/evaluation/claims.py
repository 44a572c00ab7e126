"""Evaluation of the ``claims`` family: sentence scores and claim status.

Three figures, each on its own data:

* ``subjectivity_macro_f1``: macro-F1 (SUBJ/OBJ) of the committed subjectivity
  classifier on a CheckThat! 2025 Task 1 TSV (default: the English dev file).
* ``checkworthy_f1``: F1 of the check-worthy class on ClaimBuster, by stratified
  k-fold cross-validation of the check-worthiness model spec (default: all of
  ``train.json``; the quality gate uses a fixed subsample to stay fast).

Both use the MiniLM encoder + TF-IDF ensemble when the encoder package is
installed (``encoder`` = 1.0 in the metrics; option ``encoder=False`` forces the
TF-IDF models), and also report the TF-IDF model alone on the same data
(``subjectivity_tfidf_macro_f1``, ``checkworthy_tfidf_f1``).
* ``status_accuracy``: exact-match accuracy of the status set of each
  sentence's main claim on our own labelled set
  (``flashpoint/data/eval/claim_status.jsonl``), plus per-status F1 and
  source-kind accuracy.
"""

from __future__ import annotations

import csv
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..analyzers.sentence_scores import classifiers as clf
from ..analyzers.sentence_scores import heads
from ..train.sentence_scores import fit_head, fit_tfidf
from . import default_datasets_dir, require

STATUS_SET = Path(__file__).resolve().parent.parent / "data" / "eval" / "claim_status.jsonl"


def load_checkthat(path: Path) -> tuple[list[str], list[int]]:
    """Sentences and labels (1 = SUBJ) of a CheckThat! subjectivity TSV."""
    texts, labels = [], []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            texts.append(row["sentence"])
            labels.append(1 if row["label"].strip() == "SUBJ" else 0)
    return texts, labels


def load_claimbuster(path: Path) -> tuple[list[str], list[int]]:
    """Sentences and 0/1 check-worthiness labels of a ClaimBuster JSON list."""
    records = json.loads(path.read_text(encoding="utf-8"))
    return [str(r["text"]) for r in records], [int(r["label"]) for r in records]


def tag_records(texts: Sequence[str]) -> list[clf.TextRecord]:
    """Records with fine POS tags from the spaCy backbone (tagger only, for speed)."""
    from .. import nlp as backbone

    nlp = backbone.load()
    keep = {"tok2vec", "tagger"}
    disable = [name for name in nlp.pipe_names if name not in keep]
    docs = nlp.pipe(texts, batch_size=256, disable=disable)
    return [clf.TextRecord(t, tuple(tok.tag_ for tok in d)) for t, d in zip(texts, docs,
                                                                             strict=True)]


def plain_records(texts: Sequence[str]) -> list[clf.TextRecord]:
    return [clf.TextRecord(t) for t in texts]


def f1(gold: Sequence[int], pred: Sequence[int], positive: int = 1) -> float:
    tp = sum(g == positive and p == positive for g, p in zip(gold, pred, strict=True))
    fp = sum(g != positive and p == positive for g, p in zip(gold, pred, strict=True))
    fn = sum(g == positive and p != positive for g, p in zip(gold, pred, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def macro_f1(gold: Sequence[int], pred: Sequence[int]) -> float:
    return (f1(gold, pred, 1) + f1(gold, pred, 0)) / 2


def evaluate_subjectivity(path: Path, use_encoder: bool = True) -> dict[str, float]:
    texts, gold = load_checkthat(path)
    model = clf.load_model("subjectivity")
    records = tag_records(texts) if model.uses_tags else plain_records(texts)
    logits = model.logits(records)
    metrics = {"subjectivity_tfidf_macro_f1": macro_f1(gold, [int(z >= 0) for z in logits]),
               "subjectivity_n": float(len(gold))}
    if use_encoder and heads.ready():
        head = heads.load_head("subjectivity")
        logits = head.logits(heads.pooled_features(texts), logits)
    metrics["subjectivity_macro_f1"] = macro_f1(gold, [int(z >= 0) for z in logits])
    return metrics


def stratified_folds(labels: Sequence[int], k: int, seed: int) -> list[int]:
    """A fold number per item, classes spread evenly over ``k`` folds."""
    rng = random.Random(seed)
    folds = [0] * len(labels)
    for cls in sorted(set(labels)):
        idx = [i for i, y in enumerate(labels) if y == cls]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            folds[i] = j % k
    return folds


def oof_logits(spec: clf.ModelSpec, hspec: heads.HeadSpec, records: Sequence[clf.TextRecord],
               pooled: heads.Pooled | None, labels: Sequence[int], assignment: Sequence[int],
               seed: int) -> tuple[list[float], list[float]]:
    """Out-of-fold logits of the TF-IDF model and of the TF-IDF + encoder ensemble.

    ``assignment`` gives each item's fold; in every fold both models are refitted
    on the other folds (the encoder itself stays frozen). Without ``pooled`` the
    second list equals the first.
    """
    tfidf = [0.0] * len(labels)
    final = [0.0] * len(labels)
    for fold in sorted(set(assignment)):
        train = [i for i, f in enumerate(assignment) if f != fold]
        test = [i for i, f in enumerate(assignment) if f == fold]
        model = fit_tfidf(spec, [records[i] for i in train], [labels[i] for i in train], seed)
        for i in test:
            tfidf[i] = final[i] = model.logit(records[i])
        if pooled is not None:
            head = fit_head(hspec, heads.take(pooled, train), [labels[i] for i in train], seed)
            for i, z in zip(test, head.logits(heads.take(pooled, test),
                                              [tfidf[i] for i in test]), strict=True):
                final[i] = z
    return tfidf, final


def crossval_checkworthy(path: Path, folds: int = 5, limit: int | None = None,
                         seed: int = 0, use_encoder: bool = True) -> dict[str, float]:
    """k-fold F1 of the check-worthy class; TF-IDF and (if available) encoder head per fold."""
    texts, labels = load_claimbuster(path)
    if limit is not None and limit < len(texts):
        order = list(range(len(texts)))
        random.Random(seed).shuffle(order)
        texts = [texts[i] for i in order[:limit]]
        labels = [labels[i] for i in order[:limit]]
    spec = clf.CHECKWORTHINESS
    uses_tags = any(kind == "tags" for kind, *_ in spec.blocks)
    records = tag_records(texts) if uses_tags else plain_records(texts)
    encoded = use_encoder and heads.ready()
    hspec = heads.CHECKWORTHINESS
    pooled = heads.pooled_features(texts) if encoded else None
    tfidf, final = oof_logits(spec, hspec, records, pooled, labels,
                              stratified_folds(labels, folds, seed), seed)
    return {"checkworthy_f1": f1(labels, [int(z >= 0) for z in final]),
            "checkworthy_tfidf_f1": f1(labels, [int(z >= 0) for z in tfidf]),
            "checkworthy_n": float(len(labels)), "checkworthy_folds": float(folds),
            "encoder": float(encoded)}


def crossval_subjectivity(texts: Sequence[str], labels: Sequence[int], folds: int = 5,
                           repeats: int = 5, seed: int = 0,
                           use_encoder: bool = True) -> dict[str, float]:
    """Repeated stratified k-fold macro-F1 of the subjectivity specs on training data.

    In every fold the TF-IDF model and the encoder head's views are refitted on
    the other folds (the encoder stays frozen); repeat ``r`` uses the fold
    assignment of seed ``seed + r``. Returns the mean and standard deviation
    over repeats, for the ensemble and for the TF-IDF model alone.
    """
    import statistics

    spec, hspec = clf.SUBJECTIVITY, heads.SUBJECTIVITY
    records = plain_records(texts)
    pooled = heads.pooled_features(texts) if use_encoder and heads.ready() else None
    tfidf_scores: list[float] = []
    final_scores: list[float] = []
    for rep in range(repeats):
        tfidf, final = oof_logits(spec, hspec, records, pooled, labels,
                                  stratified_folds(labels, folds, seed + rep), seed)
        tfidf_scores.append(macro_f1(labels, [int(z >= 0) for z in tfidf]))
        final_scores.append(macro_f1(labels, [int(z >= 0) for z in final]))
    return {"subjectivity_cv_macro_f1": statistics.fmean(final_scores),
            "subjectivity_cv_std": statistics.pstdev(final_scores),
            "subjectivity_cv_tfidf_macro_f1": statistics.fmean(tfidf_scores),
            "encoder": float(pooled is not None)}


def load_status_set(path: Path = STATUS_SET) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def evaluate_status(path: Path = STATUS_SET, split: str | None = None) -> dict[str, Any]:
    """Accuracy of the main claim's status set (and source kind) per labelled sentence."""
    from ..analyzers.claims import analyse_text

    items = [it for it in load_status_set(path) if split is None or it.get("split") == split]
    exact = source_ok = 0
    per: dict[str, list[int]] = {}
    errors = []
    start = time.perf_counter()
    for it in items:
        claim = analyse_text(it["text"])
        got = set(claim.status) if claim else set()
        gold = set(it["status"])
        exact += got == gold
        kind = claim.source.kind if claim else None
        source_ok += kind == it.get("source", "author")
        for status in got | gold:
            counts = per.setdefault(status, [0, 0, 0])
            counts[0] += status in got and status in gold
            counts[1] += status in got and status not in gold
            counts[2] += status in gold and status not in got
        if got != gold:
            errors.append({"text": it["text"], "gold": sorted(gold), "got": sorted(got)})
    n = max(len(items), 1)
    metrics: dict[str, float] = {"status_accuracy": exact / n, "source_accuracy": source_ok / n,
                                 "status_n": float(len(items)),
                                 "status_ms_per_sentence": 1000 * (time.perf_counter() - start) / n}
    for status, (tp, fp, fn) in sorted(per.items()):
        metrics[f"status_f1_{status}"] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"metrics": metrics, "errors": errors}


def run(path: Path | None = None, *, folds: int = 5, limit: int | None = None,
        status_path: str | None = None, split: str | None = None, encoder: bool = True,
        **_: Any) -> dict[str, Any]:
    """Score subjectivity, check-worthiness and status; ``path`` is the datasets folder.

    ``path`` may also name a CheckThat! TSV directly (then ClaimBuster is read
    from the default datasets folder).
    """
    base = default_datasets_dir() if path is None or path.is_file() else path
    tsv = path if path is not None and path.is_file() else base / "subjectivity" / "dev_en.tsv"
    cb = base / "claimbuster" / "train.json"
    require(tsv)
    require(cb)
    metrics: dict[str, float] = {}
    metrics.update(evaluate_subjectivity(tsv, use_encoder=encoder))
    metrics.update(crossval_checkworthy(cb, folds=folds, limit=limit, use_encoder=encoder))
    status = evaluate_status(Path(status_path) if status_path else STATUS_SET, split)
    metrics.update(status["metrics"])
    return {"metrics": metrics, "status_errors": status["errors"][:50],
            "data": {"subjectivity": str(tsv), "claimbuster": str(cb)}}
