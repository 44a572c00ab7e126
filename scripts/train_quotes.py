"""Train the cue and content models of the ``quotes`` analyzer on PolNeAR train.

Usage (from the repository root)::

    .venv/bin/python scripts/train_quotes.py   # writes flashpoint/data/quotes/model.json.gz
    .venv/bin/python scripts/train_quotes.py --holdout 0.2   # also scores a held-out 20% of train

Both models are L2-regularised logistic regressions (scikit-learn, liblinear,
fixed seed) over the sparse binary features of
``flashpoint/analyzers/quotes/features.py``; the weights are stored as JSON
(feature -> weight), so the analyzer needs neither scikit-learn nor pickles at
run time. ``--docbin PATH`` caches the spaCy parse of the split between runs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc, DocBin, Token

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flashpoint import nlp as backbone  # noqa: E402
from flashpoint.analyzers import quotes as analyzer  # noqa: E402
from flashpoint.analyzers.quotes import rules  # noqa: E402
from flashpoint.analyzers.quotes.features import (  # noqa: E402
    CUE_POS,
    LinearModel,
    Models,
    Quotations,
    content_candidates,
    content_features,
    cue_features,
)
from flashpoint.evaluation import default_datasets_dir  # noqa: E402
from flashpoint.evaluation.quotes import Counts, GoldArticle, letters, read_polnear  # noqa: E402

SEED = 13
PRUNE = 0.05
"""Weights smaller than this are dropped, to keep the shipped model small."""


def parse(articles: Sequence[GoldArticle], cache: Path | None) -> list[Doc]:
    nlp = backbone.load()
    if cache and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(articles):
            return docs
    docs = list(backbone.parse_many(nlp, (a.text for a in articles)))
    if cache:
        db = DocBin()
        for d in docs:
            db.add(d)
        db.to_disk(cache)
    return docs


def _cue_head(doc: Doc, frags: Sequence[tuple[int, int]]) -> Token | None:
    toks = [t for a, b in frags for t in doc if t.idx < b and t.idx + len(t.text) > a]
    ids = {t.i for t in toks}
    for t in toks:
        if t.head.i not in ids or t.head.i == t.i:
            return t
    return None


def _cand_letters(doc: Doc, cand: analyzer.Candidate) -> frozenset[int]:
    return letters(doc.text, analyzer.content_chars(doc, cand))


def examples(
    articles: Sequence[GoldArticle], docs: Sequence[Doc]
) -> tuple[list[dict[str, int]], list[int], list[dict[str, int]], list[int]]:
    """Cue examples (one per candidate token) and content examples (one per candidate)."""
    cx: list[dict[str, int]] = []
    cy: list[int] = []
    kx: list[dict[str, int]] = []
    ky: list[int] = []
    for art, doc in zip(articles, docs, strict=True):
        quotes = Quotations(rules.quotations(doc.text))
        gold_heads: dict[int, frozenset[int]] = {}
        for g in art.attributions:
            head = _cue_head(doc, g.cue) if g.cue else None
            if head is not None:
                gold_heads[head.i] = letters(doc.text, g.content)
        for tok in doc:
            if tok.pos_ in CUE_POS or tok.lower_ == "according":
                cx.append(dict.fromkeys(cue_features(doc, tok, quotes), 1))
                cy.append(int(tok.i in gold_heads))
        for i, gold in gold_heads.items():
            tok = doc[i]
            cands = content_candidates(doc, tok, quotes)
            if not cands:
                continue
            sims = []
            for c in cands:
                p = _cand_letters(doc, c)
                sims.append(len(p & gold) / len(p | gold) if p | gold else 0.0)
            best = max(sims)
            for c, sim in zip(cands, sims, strict=True):
                kx.append(dict.fromkeys(content_features(doc, tok, c), 1))
                ky.append(int(sim == best and best >= 0.5))
    return cx, cy, kx, ky


def fit(x: list[dict[str, int]], y: list[int], c: float, threshold: float) -> LinearModel:
    vec = DictVectorizer()
    xm = vec.fit_transform(x).tocsr()
    xm.indices = xm.indices.astype(np.int32)
    xm.indptr = xm.indptr.astype(np.int32)
    clf = LogisticRegression(C=c, solver="liblinear", random_state=SEED, max_iter=500)
    clf.fit(xm, y)
    weights = {}
    for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True):
        if abs(w) >= PRUNE:
            weights[str(name)] = round(float(w), 3)
    weights["bias"] = round(weights.get("bias", 0.0) + float(clf.intercept_[0]), 3)
    return LinearModel(weights=weights, threshold=threshold)


def to_json(models: Models) -> dict[str, object]:
    return {
        "about": "Linear models of flashpoint's quotes analyzer; scripts/train_quotes.py "
        "trained them on PolNeAR v1.0.0 train (Newell, Margolin, Ruths, LREC 2018).",
        "cue": {"threshold": models.cue.threshold,
                "weights": dict(sorted(models.cue.weights.items()))},
        "content": {"threshold": models.content.threshold,
                    "weights": dict(sorted(models.content.weights.items()))},
    }


def score(articles: Sequence[GoldArticle], docs: Sequence[Doc], models: Models) -> dict[str, float]:
    counts = Counts()
    for art, doc in zip(articles, docs, strict=True):
        counts.add(art.text, analyzer.extract(doc, (), models), art.attributions)
    return counts.metrics()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", type=Path, default=default_datasets_dir() / "polnear" / "train")
    ap.add_argument("--out", type=Path, default=ROOT / "flashpoint/data/quotes/model.json.gz")
    ap.add_argument("--docbin", type=Path, default=None, help="cache of the parsed split")
    ap.add_argument("--holdout", type=float, default=0.0, help="share of articles held out")
    ap.add_argument("--save-holdout", type=Path, default=None, help="where to save that model")
    ap.add_argument("--c-cue", type=float, default=0.5)
    ap.add_argument("--c-content", type=float, default=0.8)
    ap.add_argument("--cue-threshold", type=float, default=0.3)
    ap.add_argument("--content-threshold", type=float, default=0.1)
    args = ap.parse_args()
    began = time.monotonic()
    articles = read_polnear(args.split)
    docs = parse(articles, args.docbin)
    order = list(range(len(articles)))
    random.Random(SEED).shuffle(order)
    n_hold = int(len(order) * args.holdout)
    hold, train = sorted(order[:n_hold]), sorted(order[n_hold:])
    cx, cy, kx, ky = examples([articles[i] for i in train], [docs[i] for i in train])
    print(f"cue examples {len(cy)} ({sum(cy)} positive); content {len(ky)} ({sum(ky)} positive)")
    models = Models(
        cue=fit(cx, cy, args.c_cue, args.cue_threshold),
        content=fit(kx, ky, args.c_content, args.content_threshold),
    )
    if hold and args.save_holdout:
        args.save_holdout.write_text(json.dumps(to_json(models)))
    if hold:
        metrics = score([articles[i] for i in hold], [docs[i] for i in hold], models)
        print(json.dumps({k: round(v, 4) for k, v in metrics.items()}, indent=1))
    if not args.holdout:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(to_json(models), ensure_ascii=False, separators=(",", ":"))
        with args.out.open("wb") as raw, gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0  # no name, no time: same bytes every run
        ) as fh:
            fh.write(data.encode("utf-8"))
        print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    print(f"{time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
