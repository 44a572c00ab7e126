"""Can a learned trigger detector find event triggers that the PLOVER lexicon does not list?

A feasibility probe for issue 20's "learned trigger detection", not a shipped model.

Usage (from the repository root; needs ../shared/datasets and the MiniLM package)::

    .venv/bin/python scripts/trigger_probe.py            # about 40 s on 2 cores

What it does, on CAMEO ``penta_train.tsv`` (sentences with a quad-class label, no trigger):

* every verb and noun of every sentence becomes an example, described by its MiniLM layer-4
  and layer-5 states (the mean of its word pieces, :func:`flashpoint.encoder.sentence_states`);
* weak labels from the lexicon: a lexicon trigger whose quad class is the sentence's label is
  a positive of that class; every word of a sentence labelled "no event", and every other word
  of a sentence that such a trigger explains, is a negative; the words of a sentence with an
  event that no lexicon trigger explains are left out (one of them is the unlisted trigger, so
  calling them negatives would teach the detector to miss exactly what it is for);
* **lemma hold-out**: the lexicon's trigger lemmas are split into 5 groups and the sentences
  into the 5 folds of ``flashpoint eval events``; for fold k the detector (a balanced
  multinomial logistic regression) is trained on the other folds' sentences with group k's
  lemmas left out altogether, and tested on fold k. Its recall on group k's triggers is how
  often it finds a trigger it has never seen, as a word the lexicon would not list; a second
  regression, trained on the positives of the other groups only, guesses their PLOVER
  category.

It prints, per threshold on P(event), the recall on unseen and seen lemmas, how often the
detector's quad class and category are right on the unseen ones, and the share of negative
words over the threshold.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flashpoint.evaluation import default_datasets_dir  # noqa: E402
from flashpoint.evaluation import events as recipe  # noqa: E402

UNKNOWN = -1


def examples(texts: list[str], labels: list[int]) -> list[dict[str, Any]]:
    """One row per verb or noun: sentence, lemma, weak label, lexicon category, state vector."""
    from flashpoint import nlp as backbone
    from flashpoint.analyzers.events import plover, syntax
    from flashpoint.encoder import sentence_states

    lex = plover.load()
    docs = list(backbone.load().pipe(texts))
    rows: list[dict[str, Any]] = []
    for si, (gold, doc, states) in enumerate(zip(labels, docs, sentence_states(texts),
                                                 strict=True)):
        found = {tr.token.i: tr.entry.category for s in doc.sents
                 for tr in syntax.find_triggers(s, lex)}
        explained = any(plover.PENTA[lex.quad(c)] == gold for c in found.values())
        starts, ends = states.offsets[:, 0], states.offsets[:, 1]
        for tok in doc:
            if tok.pos_ not in ("VERB", "NOUN"):
                continue
            pieces = (starts < tok.idx + len(tok.text)) & (ends > tok.idx) & (ends > starts)
            if not pieces.any():
                continue
            category = found.get(tok.i)
            if category is not None:
                quad = plover.PENTA[lex.quad(category)]
                label = quad if quad == gold else (0 if gold == 0 else UNKNOWN)
            else:
                label = 0 if gold == 0 or explained else UNKNOWN
            rows.append({"sentence": si, "lemma": tok.lemma_.lower(), "label": label,
                         "category": category, "vec": states.states[pieces].mean(axis=0)})
    return rows


def probe(rows: list[dict[str, Any]], folds: list[int], c: float,
          thresholds: tuple[float, ...]) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    lemmas = sorted({r["lemma"] for r in rows if r["label"] > 0})
    order = np.random.RandomState(0).permutation(len(lemmas))
    group = {lemmas[j]: k % 5 for k, j in enumerate(order)}
    x = np.stack([r["vec"] for r in rows])
    y = np.array([r["label"] for r in rows])
    fold = np.array([folds[r["sentence"]] for r in rows])
    lemma_group = np.array([group.get(r["lemma"], -1) for r in rows])
    categories = np.array([r["category"] or "" for r in rows])
    unseen: list[tuple[float, bool, bool]] = []
    seen: list[float] = []
    negative: list[float] = []
    for k in range(5):
        train = (fold != k) & (y != UNKNOWN) & (lemma_group != k)
        test = fold == k
        scale = StandardScaler().fit(x[train])
        detector = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        detector.fit(scale.transform(x[train]), y[train])
        classes = list(detector.classes_)
        proba = detector.predict_proba(scale.transform(x[test]))
        event = 1.0 - proba[:, classes.index(0)]
        quad = np.array(classes)[np.argmax(np.where(np.array(classes) == 0, -1.0, proba), axis=1)]
        named = train & (y > 0)
        namer = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        namer.fit(scale.transform(x[named]), categories[named])
        category = namer.predict(scale.transform(x[test]))
        for p, q, cat, gold, gold_cat, g in zip(event, quad, category, y[test], categories[test],
                                                lemma_group[test], strict=True):
            if gold > 0 and g == k:
                unseen.append((float(p), bool(q == gold), bool(cat == gold_cat)))
            elif gold > 0:
                seen.append(float(p))
            elif gold == 0:
                negative.append(float(p))
    neg = np.array(negative)
    print(f"C = {c}: {len(unseen)} triggers of unseen lemmas, {len(seen)} of seen lemmas, "
          f"{len(neg)} negative words")
    for th in thresholds:
        hits = [(q, cat) for p, q, cat in unseen if p >= th]
        quad_right = np.mean([q for q, _ in hits]) if hits else 0.0
        cat_right = np.mean([cat for _, cat in hits]) if hits else 0.0
        print(f"  P(event) >= {th}: unseen recall {len(hits) / max(len(unseen), 1):.2f} "
              f"(quad right {quad_right:.2f}, category right {cat_right:.2f}); "
              f"seen recall {np.mean(np.array(seen) >= th):.2f}; "
              f"negatives over it {np.mean(neg >= th):.3f} ({int((neg >= th).sum())})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path,
                    default=default_datasets_dir() / "cameo" / "penta_train.tsv")
    ap.add_argument("-C", type=float, nargs="+", default=[0.01, 0.1])
    args = ap.parse_args(argv)
    if not args.data.is_file():
        print(f"skipped: {args.data} not found (the CAMEO penta data)")
        return 0
    from flashpoint.encoder import available
    if not available():
        print("skipped: the MiniLM encoder package is not installed")
        return 0
    texts, labels = recipe.read_penta(args.data)
    rows = examples(texts, labels)
    print(f"{len(texts)} sentences, words by weak label: "
          f"{dict(sorted(Counter(r['label'] for r in rows).items()))} (-1: left out)")
    folds, _ = recipe.fold_models(args.data, 5)
    for c in args.C:
        probe(rows, folds, c, (0.5, 0.7, 0.9))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
